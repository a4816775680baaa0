"""What each kind of Overkiz cover is: its commands, states and device class.

A device is matched by its widget first (the exceptions), then by its UI class
(the rule). The cover entity reads everything it does from its description and
offers only the features whose commands the device's definition lists.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from homeassistant.components.cover import CoverDeviceClass, CoverEntityDescription
from pyoverkiz.enums import OverkizCommand, OverkizState, UIClass, UIWidget

if TYPE_CHECKING:
    from homeassistant.helpers.typing import UndefinedType

# RTS tilt commands take a step (1-127) before their duration.
RTS_TILT_STEP = 5


@dataclass(frozen=True, kw_only=True)
class OverkizCoverDescription(CoverEntityDescription):
    """Commands and states of one kind of cover.

    ``position_state`` holds a closure (0 open, 100 closed) when
    ``invert_position`` is set, else a deployment (0 folded, 100 deployed).
    """

    name: str | UndefinedType | None = None  # the device's main feature
    open_command: str | None = OverkizCommand.OPEN
    close_command: str | None = OverkizCommand.CLOSE
    stop_command: str | None = OverkizCommand.STOP
    position_state: str | None = OverkizState.CORE_CLOSURE
    set_position_command: str | None = OverkizCommand.SET_CLOSURE
    invert_position: bool = True
    is_closed_state: str | None = OverkizState.CORE_OPEN_CLOSED
    tilt_state: str | None = None
    set_tilt_command: str | None = None
    open_tilt_command: str | None = None
    close_tilt_command: str | None = None
    tilt_args: tuple[int, ...] = ()


# The common case: a cover moved by closure.
_CLOSURE = OverkizCoverDescription(key="closure")

# Awnings: position is the deployment, opening deploys.
_DEPLOYMENT = replace(
    _CLOSURE,
    device_class=CoverDeviceClass.AWNING,
    open_command=OverkizCommand.DEPLOY,
    close_command=OverkizCommand.UNDEPLOY,
    position_state=OverkizState.CORE_DEPLOYMENT,
    set_position_command=OverkizCommand.SET_DEPLOYMENT,
    invert_position=False,
)

# Open, close and stop only: no position.
_DISCRETE = replace(_CLOSURE, position_state=None, set_position_command=None)

# RTS blinds that step their slats with tiltPositive / tiltNegative.
_RTS_SLATS = replace(
    _DISCRETE,
    device_class=CoverDeviceClass.BLIND,
    is_closed_state=None,
    open_tilt_command=OverkizCommand.TILT_POSITIVE,
    close_tilt_command=OverkizCommand.TILT_NEGATIVE,
    tilt_args=(RTS_TILT_STEP,),
)

# Doors and gates with one start/stop/reverse command.
_CYCLIC = replace(
    _DISCRETE,
    open_command=OverkizCommand.CYCLE,
    close_command=OverkizCommand.CYCLE,
    stop_command=None,
    is_closed_state=None,
)

# Slats read and set by orientation.
_SLATS = replace(
    _CLOSURE,
    tilt_state=OverkizState.CORE_SLATE_ORIENTATION,
    set_tilt_command=OverkizCommand.SET_ORIENTATION,
)

_PEDESTRIAN_GATES = (
    UIWidget.DISCRETE_GATE_WITH_PEDESTRIAN_POSITION,
    UIWidget.SLIDING_DISCRETE_GATE_WITH_PEDESTRIAN_POSITION,
    UIWidget.OPEN_CLOSE_GATE_WITH_PEDESTRIAN_POSITION,
    UIWidget.OPEN_CLOSE_SLIDING_GATE_WITH_PEDESTRIAN_POSITION,
)

WIDGET_DESCRIPTIONS: tuple[OverkizCoverDescription, ...] = (
    # OpenClosedState is unreliable on these: the position tells.
    replace(
        _CLOSURE,
        key=UIWidget.POSITIONABLE_ROLLER_SHUTTER_UNO,
        device_class=CoverDeviceClass.SHUTTER,
        is_closed_state=None,
    ),
    # Two sashes: the upper one is the position, the lower one the tilt.
    replace(
        _CLOSURE,
        key=UIWidget.POSITIONABLE_DUAL_ROLLER_SHUTTER,
        device_class=CoverDeviceClass.SHUTTER,
        open_command=OverkizCommand.UPPER_OPEN,
        close_command=OverkizCommand.UPPER_CLOSE,
        position_state=OverkizState.CORE_UPPER_CLOSURE,
        set_position_command=OverkizCommand.SET_UPPER_CLOSURE,
        is_closed_state=OverkizState.CORE_UPPER_OPEN_CLOSED,
        tilt_state=OverkizState.CORE_LOWER_CLOSURE,
        set_tilt_command=OverkizCommand.SET_LOWER_CLOSURE,
        open_tilt_command=OverkizCommand.LOWER_OPEN,
        close_tilt_command=OverkizCommand.LOWER_CLOSE,
    ),
    replace(
        _DEPLOYMENT,
        key=UIWidget.POSITIONABLE_HORIZONTAL_AWNING_UNO,
        is_closed_state=None,
    ),
    replace(_DEPLOYMENT, key=UIWidget.PERGOLA_HORIZONTAL_AWNING),
    replace(_DEPLOYMENT, key=UIWidget.PERGOLA_HORIZONTAL_AWNING_UNO),
    # Slats only: open and close move the slats.
    replace(
        _SLATS,
        key=UIWidget.BIOCLIMATIC_PERGOLA,
        device_class=CoverDeviceClass.AWNING,
        open_command=OverkizCommand.OPEN_SLATS,
        close_command=OverkizCommand.CLOSE_SLATS,
        position_state=None,
        set_position_command=None,
        is_closed_state=OverkizState.CORE_SLATS_OPEN_CLOSED,
    ),
    replace(_RTS_SLATS, key=UIWidget.UP_DOWN_EXTERIOR_VENETIAN_BLIND),
    replace(_RTS_SLATS, key=UIWidget.UP_DOWN_VENETIAN_BLIND),
    replace(_RTS_SLATS, key=UIWidget.UP_DOWN_SHEER_SCREEN),
    replace(_RTS_SLATS, key=UIWidget.TILT_ONLY_VENETIAN_BLIND),
    replace(
        _CLOSURE,
        key=UIWidget.POSITIONABLE_GARAGE_DOOR,
        device_class=CoverDeviceClass.GARAGE,
        is_closed_state=OverkizState.CORE_OPEN_CLOSED_UNKNOWN,
    ),
    replace(
        _CLOSURE,
        key=UIWidget.POSITIONABLE_GARAGE_DOOR_WITH_PARTIAL_POSITION,
        device_class=CoverDeviceClass.GARAGE,
        is_closed_state=OverkizState.CORE_OPEN_CLOSED_PARTIAL,
    ),
    replace(
        _DISCRETE,
        key=UIWidget.DISCRETE_POSITIONABLE_GARAGE_DOOR,
        device_class=CoverDeviceClass.GARAGE,
        is_closed_state=OverkizState.CORE_OPEN_CLOSED_UNKNOWN,
    ),
    *(
        replace(
            _DISCRETE,
            key=widget,
            device_class=CoverDeviceClass.GATE,
            is_closed_state=OverkizState.CORE_OPEN_CLOSED_PEDESTRIAN,
        )
        for widget in _PEDESTRIAN_GATES
    ),
    replace(
        _CLOSURE,
        key=UIWidget.POSITIONABLE_GATE_WITH_PEDESTRIAN_POSITION,
        device_class=CoverDeviceClass.GATE,
        is_closed_state=OverkizState.CORE_OPEN_CLOSED_PEDESTRIAN,
    ),
    *(
        replace(_CYCLIC, key=widget, device_class=CoverDeviceClass.GARAGE)
        for widget in (
            UIWidget.CYCLIC_GARAGE_DOOR,
            UIWidget.UP_DOWN_GARAGE_DOOR_4T,
            UIWidget.OPEN_CLOSE_SLIDING_GARAGE_DOOR_4T,
        )
    ),
    *(
        replace(_CYCLIC, key=widget, device_class=CoverDeviceClass.GATE)
        for widget in (
            UIWidget.CYCLIC_SLIDING_GATE_OPENER,
            UIWidget.CYCLIC_SWINGING_GATE_OPENER,
            UIWidget.OPEN_CLOSE_GATE_4T,
            UIWidget.OPEN_CLOSE_SLIDING_GATE_4T,
        )
    ),
    # RTS generic receiver: its UI class, Generic, is no cover.
    replace(
        _DISCRETE,
        key=UIWidget.RTS_GENERIC,
        open_command=OverkizCommand.UP,
        close_command=OverkizCommand.DOWN,
        is_closed_state=None,
    ),
)

UI_CLASS_DESCRIPTIONS: tuple[OverkizCoverDescription, ...] = (
    replace(_SLATS, key=UIClass.ROLLER_SHUTTER, device_class=CoverDeviceClass.SHUTTER),
    replace(_CLOSURE, key=UIClass.SHUTTER, device_class=CoverDeviceClass.SHUTTER),
    replace(
        _CLOSURE, key=UIClass.SWINGING_SHUTTER, device_class=CoverDeviceClass.SHUTTER
    ),
    replace(
        _SLATS,
        key=UIClass.ADJUSTABLE_SLATS_ROLLER_SHUTTER,
        device_class=CoverDeviceClass.BLIND,
    ),
    replace(_CLOSURE, key=UIClass.SCREEN, device_class=CoverDeviceClass.BLIND),
    replace(_CLOSURE, key=UIClass.EXTERIOR_SCREEN, device_class=CoverDeviceClass.BLIND),
    replace(
        _SLATS,
        key=UIClass.VENETIAN_BLIND,
        device_class=CoverDeviceClass.BLIND,
        open_tilt_command=OverkizCommand.TILT_UP,
        close_tilt_command=OverkizCommand.TILT_DOWN,
    ),
    replace(
        _SLATS,
        key=UIClass.EXTERIOR_VENETIAN_BLIND,
        device_class=CoverDeviceClass.BLIND,
        open_tilt_command=OverkizCommand.TILT_DOWN,
        close_tilt_command=OverkizCommand.TILT_UP,
    ),
    replace(_CLOSURE, key=UIClass.CURTAIN, device_class=CoverDeviceClass.CURTAIN),
    replace(_CLOSURE, key=UIClass.WINDOW, device_class=CoverDeviceClass.WINDOW),
    replace(_CLOSURE, key=UIClass.GARAGE_DOOR, device_class=CoverDeviceClass.GARAGE),
    replace(_DISCRETE, key=UIClass.GATE, device_class=CoverDeviceClass.GATE),
    replace(_SLATS, key=UIClass.PERGOLA, device_class=CoverDeviceClass.AWNING),
    replace(_DEPLOYMENT, key=UIClass.AWNING),
)

COVER_DESCRIPTIONS: dict[str, OverkizCoverDescription] = {
    description.key: description
    for description in (*WIDGET_DESCRIPTIONS, *UI_CLASS_DESCRIPTIONS)
}

# Devices offering this command get a second cover entity moving at low speed.
LOW_SPEED_COMMAND = OverkizCommand.SET_CLOSURE_AND_LINEAR_SPEED

# Devices offering this command move and orient their slats in one go.
POSITION_AND_TILT_COMMAND = OverkizCommand.SET_CLOSURE_AND_ORIENTATION
