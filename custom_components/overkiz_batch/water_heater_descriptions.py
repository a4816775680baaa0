"""What each kind of water heater is: operations, boost, absence, setpoint.

The operations of a family are callables over the device (its states and its
definition), since a boost or an absence takes several commands, some with a
dictionary parameter, chosen by what the device offers and is doing. All the
commands of one operation go to the gateway as one action, in order.
"""

from __future__ import annotations

from dataclasses import dataclass
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

from homeassistant.components.water_heater import (
    STATE_ECO,
    STATE_HEAT_PUMP,
    STATE_HIGH_DEMAND,
    STATE_PERFORMANCE,
    WaterHeaterEntityDescription,
)
from homeassistant.const import STATE_OFF, STATE_ON
from homeassistant.util import dt as dt_util
from pyoverkiz.enums import OverkizCommand, OverkizCommandParam, OverkizState, UIWidget
from pyoverkiz.models import Command, Device

from .states import as_float, state_value

if TYPE_CHECKING:
    from collections.abc import Callable, Mapping
    from datetime import datetime

ON = OverkizCommandParam.ON
OFF = OverkizCommandParam.OFF

# Days a boost lasts when it is started from Home Assistant.
BOOST_DAYS = 1

type Commands = list[Command]


def _value(device: Device, *names: str) -> Any:
    """Return the first of these states the device reports."""
    for name in names:
        if (value := state_value(device, name)) is not None:
            return value
    return None


def _command(name: str, *parameters: Any) -> Command:
    return Command(name=name, parameters=list(parameters) or None)


@dataclass(frozen=True, kw_only=True)
class OverkizWaterHeaterDescription(WaterHeaterEntityDescription):
    """How one kind of water heater is read and driven.

    ``operations_fn`` lists the operations the device offers, ``operation_fn``
    tells the current one and ``operation_commands_fn`` builds the commands
    for one. Absence likewise, when the family has it.
    """

    name: str | None = None  # the device's main feature
    translation_key: str | None = "water_heater"
    operations_fn: Callable[[Device], list[str]]
    operation_fn: Callable[[Device], str | None]
    operation_commands_fn: Callable[[Device, str], Commands]
    away_fn: Callable[[Device], bool | None] | None = None
    away_commands_fn: Callable[[Device, bool], Commands] | None = None
    current_temperature_states: tuple[str, ...] = ()
    target_temperature_fn: Callable[[Device], float | None]
    temperature_commands_fn: Callable[[Device, float], Commands]
    min_temp_state: str | None = None
    max_temp_state: str | None = None
    min_temp: float
    max_temp: float


# Atlantic water heaters: DHW mode, plus boost and absence where offered.

_DHW_MODE_STATES = (OverkizState.IO_DHW_MODE, OverkizState.MODBUSLINK_DHW_MODE)

DHW_MODES: Mapping[str, str] = MappingProxyType(
    {
        OverkizCommandParam.STANDARD: STATE_ON,
        OverkizCommandParam.HIGH_DEMAND: STATE_HIGH_DEMAND,
        OverkizCommandParam.STOP: STATE_OFF,
        OverkizCommandParam.ECO: STATE_ECO,
        OverkizCommandParam.AUTO: "auto",
        OverkizCommandParam.AUTO_MODE: "auto",
        OverkizCommandParam.MANUAL_ECO_ACTIVE: "manual_eco",
        OverkizCommandParam.MANUAL_ECO_INACTIVE: "manual",
    }
)


# The two sets of DHW mode values heaters use: never offered mixed.
_DHW_MODE_FAMILIES: tuple[tuple[str, ...], ...] = (
    (
        OverkizCommandParam.AUTO_MODE,
        OverkizCommandParam.MANUAL_ECO_ACTIVE,
        OverkizCommandParam.MANUAL_ECO_INACTIVE,
    ),
    (
        OverkizCommandParam.STANDARD,
        OverkizCommandParam.HIGH_DEMAND,
        OverkizCommandParam.STOP,
        OverkizCommandParam.ECO,
        OverkizCommandParam.AUTO,
    ),
)


def _dhw_mode_values(device: Device) -> list[str]:
    """Return the DHW modes the device takes; none without the command.

    The cloud's definition lists them. A local gateway's does not: then the
    set the current mode belongs to (all known ones while it is unknown).
    """
    if not device.supports_command(OverkizCommand.SET_DHW_MODE):
        return []
    for name in _DHW_MODE_STATES:
        if (definition := device.definition.states.get(name)) and definition.values:
            return [value for value in definition.values if value in DHW_MODES]
    current = _value(device, *_DHW_MODE_STATES)
    for family in _DHW_MODE_FAMILIES:
        if current in family:
            return list(family)
    return list(DHW_MODES)


def _operating_mode(device: Device) -> dict[str, Any] | None:
    """Return the dictionary operating mode (relaunch, absence) of newer models."""
    value = state_value(device, OverkizState.CORE_OPERATING_MODE)
    return value if isinstance(value, dict) else None


def _flag_on(value: Any) -> bool | None:
    """Read an on/off mode state; a programmed one (``prog``) is on too."""
    return None if value is None else value in (ON, OverkizCommandParam.PROG)


def dhw_boost(device: Device) -> bool:
    """Tell whether a boost runs: a boost state, a duration left, relaunch on."""
    for name in (
        OverkizState.IO_DHW_BOOST_MODE,
        OverkizState.MODBUSLINK_DHW_BOOST_MODE,
    ):
        if (on := _flag_on(state_value(device, name))) is not None:
            return on
    duration = as_float(state_value(device, OverkizState.CORE_BOOST_MODE_DURATION))
    if duration is not None:
        return duration > 0
    if (mode := _operating_mode(device)) is not None:
        return mode.get(OverkizCommandParam.RELAUNCH) == ON
    return bool(state_value(device, OverkizState.CORE_OPERATING_MODE) == "boost")


def dhw_away(device: Device) -> bool | None:
    """Tell whether the heater is in absence mode."""
    for name in (
        OverkizState.IO_DHW_ABSENCE_MODE,
        OverkizState.MODBUSLINK_DHW_ABSENCE_MODE,
    ):
        if (on := _flag_on(state_value(device, name))) is not None:
            return on
    duration = state_value(device, OverkizState.IO_AWAY_MODE_DURATION)
    if duration is not None:
        text = str(duration)
        return text == OverkizCommandParam.ALWAYS or (
            text.isdecimal() and int(text) > 0
        )
    if (mode := _operating_mode(device)) is not None:
        return mode.get(OverkizCommandParam.ABSENCE) == ON
    return None


def _relaunch(device: Device, relaunch: str, absence: str) -> Commands:
    if not device.supports_command(OverkizCommand.SET_CURRENT_OPERATING_MODE):
        return []
    return [
        _command(
            OverkizCommand.SET_CURRENT_OPERATING_MODE,
            {
                OverkizCommandParam.RELAUNCH: relaunch,
                OverkizCommandParam.ABSENCE: absence,
            },
        )
    ]


def _can_boost(device: Device) -> bool:
    return device.supports_any_command(
        [OverkizCommand.SET_BOOST_MODE, OverkizCommand.SET_CURRENT_OPERATING_MODE]
    )


def _dhw_operations(device: Device) -> list[str]:
    """Return the DHW modes and boost the device takes.

    Without DHW modes, a device that boosts runs normally (on) or boosts.
    """
    operations = [DHW_MODES[value] for value in _dhw_mode_values(device)]
    if _can_boost(device):
        operations = [*(operations or [STATE_ON]), STATE_PERFORMANCE]
    return list(dict.fromkeys(operations))


def _dhw_operation(device: Device) -> str | None:
    if dhw_boost(device):
        return STATE_PERFORMANCE
    if not _dhw_mode_values(device):
        return STATE_ON if _can_boost(device) else None
    return DHW_MODES.get(str(_value(device, *_DHW_MODE_STATES)))


def _dhw_boost_commands(device: Device, on: bool) -> Commands:
    commands: Commands = []
    if device.supports_command(OverkizCommand.SET_BOOST_MODE):
        commands.append(_command(OverkizCommand.SET_BOOST_MODE, ON if on else OFF))
    if on and device.supports_command(OverkizCommand.SET_BOOST_MODE_DURATION):
        commands.append(_command(OverkizCommand.SET_BOOST_MODE_DURATION, BOOST_DAYS))
    return commands + _relaunch(device, ON if on else OFF, OFF)


def _dhw_operation_commands(device: Device, operation: str) -> Commands:
    """Return a boost; or the running boost ended, then the DHW mode."""
    if operation == STATE_PERFORMANCE:
        return _dhw_boost_commands(device, True)
    commands = _dhw_boost_commands(device, False) if dhw_boost(device) else []
    values = _dhw_mode_values(device)
    value = next((v for v in values if DHW_MODES[v] == operation), None)
    if value is None:  # on: the boost ended is all
        return commands
    return [*commands, _command(OverkizCommand.SET_DHW_MODE, value)]


def _date(moment: datetime) -> dict[str, int]:
    """Return a date as the absence commands take it (the DateTimeState format)."""
    return {
        "year": moment.year,
        "month": moment.month,
        "day": moment.day,
        "hour": moment.hour,
        "minute": moment.minute,
        "second": moment.second,
        "weekday": moment.weekday(),
    }


def _dhw_away_commands(device: Device, on: bool) -> Commands:
    """Return an absence started or ended.

    Models with an absence mode take it programmed from now for a year (the
    user ends it); the dates and the mode go as one action, so the gateway
    sees one execution. Newer models switch it in their operating mode.
    """
    if not device.supports_command(OverkizCommand.SET_ABSENCE_MODE):
        return _relaunch(device, OFF, ON if on else OFF)
    if not on:
        return [_command(OverkizCommand.SET_ABSENCE_MODE, OFF)]
    now = dt_util.now()
    return [
        _command(OverkizCommand.SET_ABSENCE_START_DATE, _date(now)),
        _command(
            OverkizCommand.SET_ABSENCE_END_DATE,
            _date(now.replace(year=now.year + 1, day=min(now.day, 28))),
        ),
        _command(OverkizCommand.SET_ABSENCE_MODE, OverkizCommandParam.PROG),
    ]


def _dhw_target(device: Device) -> float | None:
    return as_float(
        _value(
            device,
            OverkizState.CORE_WATER_TARGET_TEMPERATURE,
            OverkizState.CORE_TARGET_DWH_TEMPERATURE,
            OverkizState.CORE_TARGET_TEMPERATURE,
        )
    )


def _dhw_temperature_commands(device: Device, temperature: float) -> Commands:
    name = device.first_command(
        [
            OverkizCommand.SET_TARGET_TEMPERATURE,
            OverkizCommand.SET_WATER_TARGET_TEMPERATURE,
            OverkizCommand.SET_TARGET_DHW_TEMPERATURE,
        ]
    )
    return [] if name is None else [_command(name, temperature)]


ATLANTIC_DHW = OverkizWaterHeaterDescription(
    key=UIWidget.DOMESTIC_HOT_WATER_PRODUCTION,
    operations_fn=_dhw_operations,
    operation_fn=_dhw_operation,
    operation_commands_fn=_dhw_operation_commands,
    away_fn=dhw_away,
    away_commands_fn=_dhw_away_commands,
    current_temperature_states=(
        OverkizState.IO_MIDDLE_WATER_TEMPERATURE,
        OverkizState.MODBUSLINK_MIDDLE_WATER_TEMPERATURE,
        OverkizState.CORE_TEMPERATURE,  # V2 models that report no middle one
    ),
    target_temperature_fn=_dhw_target,
    temperature_commands_fn=_dhw_temperature_commands,
    min_temp_state=OverkizState.CORE_MINIMAL_TEMPERATURE_MANUAL_MODE,
    max_temp_state=OverkizState.CORE_MAXIMAL_TEMPERATURE_MANUAL_MODE,
    min_temp=30.0,
    max_temp=70.0,
)


# Atlantic Pass APC: hot water on or off, boost on or off.


def _apc_boost(device: Device) -> bool:
    return bool(state_value(device, OverkizState.CORE_BOOST_ON_OFF) == ON)


def _apc_eco(device: Device) -> bool:
    mode = state_value(device, OverkizState.IO_PASS_APCDWH_MODE)
    return bool(mode == OverkizCommandParam.ECO)


def _apc_operation(device: Device) -> str | None:
    if _apc_boost(device):
        return STATE_PERFORMANCE
    if _apc_eco(device):
        return STATE_ECO
    if state_value(device, OverkizState.CORE_DWH_ON_OFF) == OFF:
        return STATE_OFF
    return STATE_HEAT_PUMP


def _apc_switches(boost: str, hot_water: str) -> Commands:
    return [
        _command(OverkizCommand.SET_BOOST_ON_OFF_STATE, boost),
        _command(OverkizCommand.SET_DHW_ON_OFF_STATE, hot_water),
    ]


def _apc_operation_commands(device: Device, operation: str) -> Commands:
    if operation == STATE_PERFORMANCE:
        return _apc_switches(ON, ON)
    return _apc_switches(OFF, OFF if operation == STATE_OFF else ON)


def _apc_target(device: Device) -> float | None:
    if _apc_boost(device):
        name = OverkizState.CORE_COMFORT_TARGET_DWH_TEMPERATURE
    elif _apc_eco(device):
        name = OverkizState.CORE_ECO_TARGET_DWH_TEMPERATURE
    else:
        name = OverkizState.CORE_TARGET_DWH_TEMPERATURE
    return as_float(state_value(device, name))


def _apc_temperature_commands(device: Device, temperature: float) -> Commands:
    name = (
        OverkizCommand.SET_ECO_TARGET_DHW_TEMPERATURE
        if _apc_eco(device)
        else OverkizCommand.SET_COMFORT_TARGET_DHW_TEMPERATURE
    )
    return [_command(name, temperature)]


PASS_APC_DHW = OverkizWaterHeaterDescription(
    key=UIWidget.ATLANTIC_PASS_APC_DHW,
    operations_fn=lambda device: [STATE_OFF, STATE_HEAT_PUMP, STATE_PERFORMANCE],
    operation_fn=_apc_operation,
    operation_commands_fn=_apc_operation_commands,
    away_fn=lambda device: state_value(device, OverkizState.CORE_DWH_ON_OFF) == OFF,
    away_commands_fn=lambda device, on: _apc_switches(OFF, OFF if on else ON),
    current_temperature_states=(OverkizState.CORE_DHW_TEMPERATURE,),
    target_temperature_fn=_apc_target,
    temperature_commands_fn=_apc_temperature_commands,
    min_temp=30.0,
    max_temp=70.0,
)


# Hitachi: run or stop, and a standard or high-demand mode.

HITACHI_MODES: Mapping[str, str] = MappingProxyType(
    {
        OverkizCommandParam.STANDARD: STATE_ON,
        OverkizCommandParam.HIGH_DEMAND: STATE_HIGH_DEMAND,
    }
)


def _hitachi_operation(device: Device) -> str | None:
    if state_value(device, OverkizState.MODBUS_CONTROL_DHW) == OverkizCommandParam.STOP:
        return STATE_OFF
    return HITACHI_MODES.get(str(state_value(device, OverkizState.MODBUS_DHW_MODE)))


def _hitachi_operation_commands(device: Device, operation: str) -> Commands:
    if operation == STATE_OFF:
        return [_command(OverkizCommand.SET_CONTROL_DHW, OverkizCommandParam.STOP)]
    mode = next(k for k, v in HITACHI_MODES.items() if v == operation)
    start = (
        [_command(OverkizCommand.SET_CONTROL_DHW, OverkizCommandParam.RUN)]
        if _hitachi_operation(device) == STATE_OFF
        else []
    )
    return [*start, _command(OverkizCommand.SET_DHW_MODE, mode)]


HITACHI_DHW = OverkizWaterHeaterDescription(
    key=UIWidget.HITACHI_DHW,
    operations_fn=lambda device: [STATE_OFF, *HITACHI_MODES.values()],
    operation_fn=_hitachi_operation,
    operation_commands_fn=_hitachi_operation_commands,
    current_temperature_states=(OverkizState.CORE_DHW_TEMPERATURE,),
    target_temperature_fn=lambda device: as_float(
        state_value(device, OverkizState.MODBUS_CONTROL_DHW_SETTING_TEMPERATURE)
    ),
    temperature_commands_fn=lambda device, temperature: [
        _command(OverkizCommand.SET_CONTROL_DHW_SETTING_TEMPERATURE, round(temperature))
    ],
    min_temp=30.0,
    max_temp=70.0,
)

WATER_HEATER_DESCRIPTIONS: dict[str, OverkizWaterHeaterDescription] = {
    description.key: description
    for description in (ATLANTIC_DHW, PASS_APC_DHW, HITACHI_DHW)
}
