"""Alarm panels: the box's own alarm, IO zone alarms, Somfy Protect, Verisure."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from homeassistant.components.alarm_control_panel import (
    AlarmControlPanelEntity,
    AlarmControlPanelEntityDescription,
)
from homeassistant.components.alarm_control_panel.const import (
    AlarmControlPanelEntityFeature,
    AlarmControlPanelState,
)
from pyoverkiz.enums import OverkizCommand, OverkizCommandParam, OverkizState, UIWidget

from .entity import OverkizBatchEntity, async_add_device_entities
from .states import as_str

if TYPE_CHECKING:
    from collections.abc import Iterator

    from homeassistant.core import HomeAssistant
    from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback
    from homeassistant.helpers.typing import UndefinedType
    from pyoverkiz.models import Device

    from .coordinator import OverkizBatchConfigEntry, OverkizBatchCoordinator

# The guards govern concurrency, not Home Assistant's semaphore.
PARALLEL_UPDATES = 0

type StateReader = Callable[[str], str | None]
type Action = tuple[str, *tuple[Any, ...]]  # command name, then its parameters

Feature = AlarmControlPanelEntityFeature
State = AlarmControlPanelState


@dataclass(frozen=True, kw_only=True)
class OverkizAlarmDescription(AlarmControlPanelEntityDescription):
    """How one kind of alarm reports its state and is armed.

    ``state_fn`` reads the panel's state from the device's states (None when
    they say nothing known); each arming is a command with its parameters,
    offered when the device lists the command.
    """

    name: str | UndefinedType | None = None  # the device's main feature
    state_fn: Callable[[StateReader], AlarmControlPanelState | None]
    disarm: Action
    arm_home: Action | None = None
    arm_night: Action | None = None
    arm_away: Action | None = None
    trigger: Action | None = None


_TSK_MODES = {
    "off": State.DISARMED,
    "partial1": State.ARMED_HOME,
    "partial2": State.ARMED_NIGHT,
    "total": State.ARMED_AWAY,
    "sos": State.TRIGGERED,
}


def _tsk_state(read: StateReader) -> AlarmControlPanelState | None:
    """Read the box's alarm: triggered on intrusion, arming until at its target."""
    if read(OverkizState.INTERNAL_INTRUSION_DETECTED) == OverkizCommandParam.DETECTED:
        return State.TRIGGERED
    target = read(OverkizState.INTERNAL_TARGET_ALARM_MODE)
    current = read(OverkizState.INTERNAL_CURRENT_ALARM_MODE)
    if current is not None and target != current:
        return State.ARMING if target != "off" else State.DISARMING
    return _TSK_MODES.get(target or "")


_ZONES = {
    "": State.DISARMED,
    "A": State.ARMED_HOME,
    "A,B": State.ARMED_NIGHT,
    "A,B,C": State.ARMED_AWAY,
}


def _zones_state(read: StateReader) -> AlarmControlPanelState | None:
    """Zone alarm: A is home, A and B night, all three away; others are custom."""
    value = read(OverkizState.CORE_ACTIVE_ZONES)
    if value is None:
        return None
    zones = ",".join(sorted(part.strip() for part in value.split(",") if part.strip()))
    return _ZONES.get(zones, State.ARMED_CUSTOM_BYPASS)


_MYFOX = {"armed": State.ARMED_AWAY, "partial": State.ARMED_NIGHT}
_MYFOX |= {"disarmed": State.DISARMED}


def _myfox_state(read: StateReader) -> AlarmControlPanelState | None:
    if read(OverkizState.CORE_INTRUSION) == OverkizCommandParam.DETECTED:
        return State.TRIGGERED
    return _MYFOX.get(read(OverkizState.MYFOX_ALARM_STATUS) or "")


_ARM_TYPES = {
    "disarmed": State.DISARMED,
    "armedDay": State.ARMED_HOME,
    "armedNight": State.ARMED_NIGHT,
    "armed": State.ARMED_AWAY,
}


def _panel_state(read: StateReader) -> AlarmControlPanelState | None:
    return _ARM_TYPES.get(read(OverkizState.VERISURE_ALARM_PANEL_MAIN_ARM_TYPE) or "")


ALARM_DESCRIPTIONS: dict[str, OverkizAlarmDescription] = {
    description.key: description
    for description in (
        # Every box has this virtual alarm, few use it: off until enabled.
        OverkizAlarmDescription(
            key=UIWidget.TSK_ALARM_CONTROLLER,
            entity_registry_enabled_default=False,
            state_fn=_tsk_state,
            disarm=(OverkizCommand.ALARM_OFF,),
            arm_home=(OverkizCommand.SET_TARGET_ALARM_MODE, "partial1"),
            arm_night=(OverkizCommand.SET_TARGET_ALARM_MODE, "partial2"),
            arm_away=(OverkizCommand.SET_TARGET_ALARM_MODE, "total"),
            trigger=(OverkizCommand.ALARM_ON,),
        ),
        OverkizAlarmDescription(
            key=UIWidget.STATEFUL_ALARM_CONTROLLER,
            state_fn=_zones_state,
            disarm=(OverkizCommand.ALARM_OFF,),
            arm_home=(OverkizCommand.ALARM_ZONE_ON, "A"),
            arm_night=(OverkizCommand.ALARM_ZONE_ON, "A,B"),
            arm_away=(OverkizCommand.ALARM_ZONE_ON, "A,B,C"),
        ),
        OverkizAlarmDescription(
            key=UIWidget.MY_FOX_ALARM_CONTROLLER,
            state_fn=_myfox_state,
            disarm=(OverkizCommand.DISARM,),
            arm_night=(OverkizCommand.PARTIAL,),
            arm_away=(OverkizCommand.ARM,),
        ),
        OverkizAlarmDescription(
            key=UIWidget.ALARM_PANEL_CONTROLLER,
            state_fn=_panel_state,
            disarm=(OverkizCommand.DISARM,),
            arm_home=(OverkizCommand.ARM_PARTIAL_DAY,),
            arm_night=(OverkizCommand.ARM_PARTIAL_NIGHT,),
            arm_away=(OverkizCommand.ARM,),
        ),
    )
}


async def async_setup_entry(
    hass: HomeAssistant,
    entry: OverkizBatchConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Add a panel for every alarm controller, now and when devices appear."""
    async_add_device_entities(entry, async_add_entities, _alarms_of)


def _alarms_of(
    coordinator: OverkizBatchCoordinator, device: Device
) -> Iterator[OverkizBatchAlarm]:
    if (description := ALARM_DESCRIPTIONS.get(str(device.widget))) is not None:
        yield OverkizBatchAlarm(coordinator, device.device_url, description)


class OverkizBatchAlarm(OverkizBatchEntity, AlarmControlPanelEntity):
    """An Overkiz alarm controller; no code is asked (the box has none)."""

    entity_description: OverkizAlarmDescription
    _attr_code_arm_required = False

    def __init__(
        self,
        coordinator: OverkizBatchCoordinator,
        device_url: str,
        description: OverkizAlarmDescription,
    ) -> None:
        """Offer the armings whose commands the device has.

        The unique id is core overkiz's for alarms: the device URL and the
        widget, so an entity taken over keeps its id.
        """
        super().__init__(coordinator, device_url, description)
        self._attr_unique_id = f"{device_url}-{description.key}"
        features = Feature(0)
        for action, feature in (
            (description.arm_home, Feature.ARM_HOME),
            (description.arm_night, Feature.ARM_NIGHT),
            (description.arm_away, Feature.ARM_AWAY),
            (description.trigger, Feature.TRIGGER),
        ):
            if action is not None and self.supports(action[0]):
                features |= feature
        self._attr_supported_features = features

    @property
    def alarm_state(self) -> AlarmControlPanelState | None:
        """Return the panel's state, read from the device."""
        return self.entity_description.state_fn(
            lambda name: as_str(self.state_of(name))
        )

    async def _async_run(self, action: Action | None) -> None:
        if action is None or not self.supports(action[0]):
            return
        name, *parameters = action
        await self.async_execute(self.command(name, *parameters))

    async def async_alarm_disarm(self, code: str | None = None) -> None:
        """Disarm."""
        await self._async_run(self.entity_description.disarm)

    async def async_alarm_arm_home(self, code: str | None = None) -> None:
        """Arm for when someone is home."""
        await self._async_run(self.entity_description.arm_home)

    async def async_alarm_arm_night(self, code: str | None = None) -> None:
        """Arm for the night."""
        await self._async_run(self.entity_description.arm_night)

    async def async_alarm_arm_away(self, code: str | None = None) -> None:
        """Arm fully."""
        await self._async_run(self.entity_description.arm_away)

    async def async_alarm_trigger(self, code: str | None = None) -> None:
        """Set the alarm off."""
        await self._async_run(self.entity_description.trigger)
