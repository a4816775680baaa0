"""What each kind of Overkiz heater is: its modes, presets, setpoint and commands.

Matched by widget. Device values map to Home Assistant modes and presets; the
reverse maps (what to send) are explicit, since several device values may mean
one mode.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from types import MappingProxyType
from typing import TYPE_CHECKING

from homeassistant.components.climate import ClimateEntityDescription
from homeassistant.components.climate.const import (
    PRESET_AWAY,
    PRESET_BOOST,
    PRESET_COMFORT,
    PRESET_ECO,
    HVACAction,
    HVACMode,
)
from pyoverkiz.enums import OverkizCommand, OverkizState, UIWidget

if TYPE_CHECKING:
    from collections.abc import Mapping

PRESET_COMFORT_1 = "comfort-1"
PRESET_COMFORT_2 = "comfort-2"
PRESET_FROST_PROTECTION = "frost_protection"
PRESET_MANUAL = "manual"
PRESET_AUTO = "auto"
PRESET_PROG = "prog"
PRESET_EXTERNAL = "external"

# Temperature derogations last until the user changes them again.
FURTHER_NOTICE = "further_notice"

# Index of the temperature sensor sub-device (``<url>#2``) of a heater or valve.
TEMPERATURE_SENSOR_INDEX = 2


def _frozen[K, V](mapping: Mapping[K, V]) -> Mapping[K, V]:
    return MappingProxyType(dict(mapping))


# Pilot-wire heating levels, as states and as setHeatingLevel's parameter.
HEATING_LEVEL_PRESETS = _frozen(
    {
        "comfort": PRESET_COMFORT,
        "comfort-1": PRESET_COMFORT_1,
        "comfort-2": PRESET_COMFORT_2,
        "eco": PRESET_ECO,
        "frostprotection": PRESET_FROST_PROTECTION,
    }
)


@dataclass(frozen=True, kw_only=True)
class OverkizClimateDescription(ClimateEntityDescription):
    """Modes, presets and setpoint of one kind of heater.

    ``hvac_modes`` maps device values of ``hvac_state`` to modes;
    ``hvac_commands`` says what to send for each mode. Presets likewise, sent
    with ``preset_command(value, *preset_args)``, unless ``preset_commands``
    names another command and value for a preset. ``mode_presets`` maps values
    of ``hvac_state`` to presets, for when ``preset_state`` tells none.
    Setting ``manual_preset`` sends a temperature derogation at the current
    target instead. In the auto mode the setpoint
    may live elsewhere (``auto_target_temperature_state``, changed with
    ``auto_temperature_command``).
    """

    name: str | None = None  # the device's main feature
    translation_key: str | None = "heater"
    hvac_state: str | None = None
    hvac_modes: Mapping[str, HVACMode] = MappingProxyType({})
    hvac_commands: Mapping[HVACMode, tuple[str, str]] = MappingProxyType({})
    fixed_hvac_mode: HVACMode | None = None
    hvac_action_state: str | None = None
    hvac_actions: Mapping[str, HVACAction] = MappingProxyType({})
    preset_state: str | None = None
    presets: Mapping[str, str] = MappingProxyType({})
    preset_command: str | None = None
    preset_args: tuple[str, ...] = ()
    preset_commands: Mapping[str, tuple[str, str]] = MappingProxyType({})
    mode_presets: Mapping[str, str] = MappingProxyType({})
    manual_preset: str | None = None
    target_temperature_state: str | None = None
    temperature_command: str | None = None
    temperature_args: tuple[str, ...] = ()
    auto_target_temperature_state: str | None = None
    auto_temperature_command: str | None = None
    min_temp_state: str | None = None
    max_temp_state: str | None = None
    min_temp: float = 7.0
    max_temp: float = 28.0
    temperature_sensor_index: int = TEMPERATURE_SENSOR_INDEX


# Thermostatic valves (and thermostats of the same kind): always heating;
# presets are derogations.
_VALVE = OverkizClimateDescription(
    key=UIWidget.VALVE_HEATING_TEMPERATURE_INTERFACE,
    fixed_hvac_mode=HVACMode.HEAT,
    hvac_action_state=OverkizState.CORE_OPEN_CLOSED_VALVE,
    hvac_actions=_frozen({"open": HVACAction.HEATING, "closed": HVACAction.IDLE}),
    preset_state=OverkizState.IO_DEROGATION_HEATING_MODE,
    presets=_frozen(
        {
            "away": PRESET_AWAY,
            "comfort": PRESET_COMFORT,
            "eco": PRESET_ECO,
            "frostprotection": PRESET_FROST_PROTECTION,
            "manual": PRESET_MANUAL,
        }
    ),
    preset_command=OverkizCommand.SET_DEROGATION,
    preset_args=(FURTHER_NOTICE,),
    manual_preset="manual",
    target_temperature_state=OverkizState.CORE_TARGET_TEMPERATURE,
    temperature_command=OverkizCommand.SET_DEROGATION,
    temperature_args=(FURTHER_NOTICE,),
    min_temp_state=OverkizState.CORE_MIN_SETPOINT,
    max_temp_state=OverkizState.CORE_MAX_SETPOINT,
    min_temp=5.0,
    max_temp=26.0,
)


CLIMATE_DESCRIPTIONS: dict[str, OverkizClimateDescription] = {
    description.key: description
    for description in (
        # Pilot wire: the heating level is everything; "off" is a level too.
        OverkizClimateDescription(
            key=UIWidget.ATLANTIC_ELECTRICAL_HEATER,
            hvac_state=OverkizState.CORE_ON_OFF,
            hvac_modes=_frozen({"on": HVACMode.HEAT, "off": HVACMode.OFF}),
            hvac_commands=_frozen(
                {
                    HVACMode.HEAT: (OverkizCommand.SET_HEATING_LEVEL, "comfort"),
                    HVACMode.OFF: (OverkizCommand.SET_HEATING_LEVEL, "off"),
                }
            ),
            preset_state=OverkizState.IO_TARGET_HEATING_LEVEL,
            presets=HEATING_LEVEL_PRESETS,
            preset_command=OverkizCommand.SET_HEATING_LEVEL,
        ),
        OverkizClimateDescription(
            key=UIWidget.ATLANTIC_ELECTRICAL_HEATER_WITH_ADJUSTABLE_TEMPERATURE_SETPOINT,
            hvac_state=OverkizState.CORE_OPERATING_MODE,
            hvac_modes=_frozen(
                {
                    "basic": HVACMode.HEAT,
                    "manual": HVACMode.HEAT,
                    "on": HVACMode.HEAT,
                    "standby": HVACMode.OFF,
                    "off": HVACMode.OFF,
                    "internal": HVACMode.AUTO,
                    "auto": HVACMode.AUTO,
                    "prog": HVACMode.AUTO,
                    "external": HVACMode.AUTO,
                }
            ),
            hvac_commands=_frozen(
                {
                    HVACMode.HEAT: (OverkizCommand.SET_OPERATING_MODE, "basic"),
                    HVACMode.OFF: (OverkizCommand.SET_OPERATING_MODE, "standby"),
                    HVACMode.AUTO: (OverkizCommand.SET_OPERATING_MODE, "internal"),
                }
            ),
            hvac_action_state=OverkizState.CORE_REGULATION_MODE,
            hvac_actions=_frozen(
                {
                    "standby": HVACAction.IDLE,
                    "increase": HVACAction.HEATING,
                    "decrease": HVACAction.IDLE,
                    "none": HVACAction.OFF,
                }
            ),
            preset_state=OverkizState.IO_TARGET_HEATING_LEVEL,
            presets=_frozen({**HEATING_LEVEL_PRESETS, "boost": PRESET_BOOST}),
            preset_command=OverkizCommand.SET_HEATING_LEVEL,
            preset_commands=_frozen(
                {
                    PRESET_AUTO: (OverkizCommand.SET_OPERATING_MODE, "auto"),
                    PRESET_PROG: (OverkizCommand.SET_OPERATING_MODE, "internal"),
                    PRESET_EXTERNAL: (OverkizCommand.SET_SCHEDULING_TYPE, "external"),
                }
            ),
            mode_presets=_frozen(
                {
                    "auto": PRESET_AUTO,
                    "internal": PRESET_PROG,
                    "external": PRESET_EXTERNAL,
                }
            ),
            target_temperature_state=OverkizState.CORE_TARGET_TEMPERATURE,
            temperature_command=OverkizCommand.SET_TARGET_TEMPERATURE,
            auto_target_temperature_state=OverkizState.IO_EFFECTIVE_TEMPERATURE_SETPOINT,
            auto_temperature_command=OverkizCommand.SET_DEROGATED_TARGET_TEMPERATURE,
            max_temp_state=OverkizState.CORE_MAXIMUM_TARGET_TEMPERATURE,
        ),
        _VALVE,
        replace(_VALVE, key=UIWidget.THERMOSTAT_HEATING_TEMPERATURE_INTERFACE),
    )
}
