"""Somfy heating temperature interfaces and EvoHome controllers.

A Somfy heating interface (floor heating and cooling) runs a schedule (auto)
or a manual setpoint mode (comfort, eco, away); its setpoint is the mode's
own. An EvoHome controller runs its programme, is off, or takes a day off or
a week of holidays, which end on a date sent with the command.
"""

from __future__ import annotations

from datetime import timedelta
from types import MappingProxyType

from homeassistant.components.climate.const import (
    PRESET_AWAY,
    PRESET_COMFORT,
    PRESET_ECO,
    PRESET_NONE,
    HVACAction,
    HVACMode,
)
from homeassistant.util import dt as dt_util
from pyoverkiz.enums import OverkizCommand, OverkizState, UIWidget

from .climate_descriptions import OverkizClimateDescription
from .climate_entity import OverkizBatchClimate
from .states import as_float, as_str
from .validation import validation_error

_ACTIVE_MODE = OverkizState.OVP_HEATING_TEMPERATURE_INTERFACE_ACTIVE_MODE
_SETPOINT_MODE = OverkizState.OVP_HEATING_TEMPERATURE_INTERFACE_SETPOINT_MODE

SOMFY_HEATING_INTERFACE = OverkizClimateDescription(
    key=UIWidget.SOMFY_HEATING_TEMPERATURE_INTERFACE,
    hvac_state=_ACTIVE_MODE,
    hvac_modes=MappingProxyType({"auto": HVACMode.AUTO, "manu": HVACMode.HEAT_COOL}),
    hvac_commands=MappingProxyType(
        {
            HVACMode.AUTO: (OverkizCommand.SET_ACTIVE_MODE, "auto"),
            HVACMode.HEAT_COOL: (OverkizCommand.SET_ACTIVE_MODE, "manu"),
            HVACMode.OFF: (OverkizCommand.SET_ON_OFF, "off"),
        }
    ),
    hvac_action_state=OverkizState.OVP_HEATING_TEMPERATURE_INTERFACE_OPERATING_MODE,
    hvac_actions=MappingProxyType(
        {"heating": HVACAction.HEATING, "cooling": HVACAction.COOLING}
    ),
    preset_state=_SETPOINT_MODE,
    presets=MappingProxyType(
        {
            "comfort": PRESET_COMFORT,
            "eco": PRESET_ECO,
            "secured": PRESET_AWAY,
            "free": PRESET_NONE,
        }
    ),
    preset_command=OverkizCommand.SET_MANU_AND_SET_POINT_MODES,
    target_temperature_state=OverkizState.CORE_COMFORT_ROOM_TEMPERATURE,
    temperature_command=OverkizCommand.SET_COMFORT_TEMPERATURE,
    min_temp=15.0,
    max_temp=26.0,
)

# Setpoint mode -> (its setpoint, the command that changes it).
_SETPOINTS = {
    "comfort": (
        OverkizState.CORE_COMFORT_ROOM_TEMPERATURE,
        OverkizCommand.SET_COMFORT_TEMPERATURE,
    ),
    "eco": (OverkizState.CORE_ECO_ROOM_TEMPERATURE, OverkizCommand.SET_ECO_TEMPERATURE),
    "secured": (
        OverkizState.CORE_SECURED_POSITION_TEMPERATURE,
        OverkizCommand.SET_SECURED_POSITION_TEMPERATURE,
    ),
}


class SomfyHeatingInterfaceClimate(OverkizBatchClimate):
    """A Somfy heating temperature interface."""

    @property
    def hvac_mode(self) -> HVACMode | None:
        """Return off while the interface is off, else auto or manual."""
        if as_str(self.state_of(OverkizState.CORE_ON_OFF)) == "off":
            return HVACMode.OFF
        return super().hvac_mode

    async def async_set_hvac_mode(self, hvac_mode: HVACMode) -> None:
        """Switch off, or on in a mode (both commands as one action from off)."""
        if hvac_mode == HVACMode.OFF or self.hvac_mode != HVACMode.OFF:
            await super().async_set_hvac_mode(hvac_mode)
            return
        if hvac_mode not in self._attr_hvac_modes:
            raise validation_error("unsupported_hvac_mode", hvac_mode=hvac_mode)
        command, value = self.entity_description.hvac_commands[hvac_mode]
        await self.async_execute(
            self.command(OverkizCommand.SET_ON_OFF, "on"), self.command(command, value)
        )

    def _setpoint(self) -> tuple[str, str] | None:
        return _SETPOINTS.get(as_str(self.state_of(_SETPOINT_MODE)) or "")

    @property
    def target_temperature(self) -> float | None:
        """Return the setpoint of the mode in force (none when free)."""
        setpoint = self._setpoint()
        return None if setpoint is None else as_float(self.state_of(setpoint[0]))

    async def _async_set_target(self, temperature: float) -> None:
        """Change the setpoint of the mode in force."""
        if (setpoint := self._setpoint()) is None:
            raise validation_error("unsupported_preset_mode", preset_mode=PRESET_NONE)
        await self.async_execute(self.command(setpoint[1], temperature))


# EvoHome.

PRESET_DAY_OFF = "day_off"
PRESET_HOLIDAYS = "holidays"

_EVO_MODE = OverkizState.RAMSES_RAMSES_OPERATING_MODE
# Preset -> (operating mode, days until it ends: midnight that many days on).
_EVO_PRESETS = {PRESET_DAY_OFF: ("day-off", 1), PRESET_HOLIDAYS: ("holidays", 7)}

EVOHOME = OverkizClimateDescription(
    key=UIWidget.EVO_HOME_CONTROLLER,
    hvac_state=_EVO_MODE,
    hvac_modes=MappingProxyType(
        {
            "auto": HVACMode.AUTO,
            "off": HVACMode.OFF,
            "day-off": HVACMode.OFF,
            "holidays": HVACMode.OFF,
        }
    ),
    hvac_commands=MappingProxyType(
        {
            HVACMode.AUTO: (OverkizCommand.SET_OPERATING_MODE, "auto"),
            HVACMode.OFF: (OverkizCommand.SET_OPERATING_MODE, "off"),
        }
    ),
    preset_state=_EVO_MODE,
    presets=MappingProxyType({"day-off": PRESET_DAY_OFF, "holidays": PRESET_HOLIDAYS}),
    preset_command=OverkizCommand.SET_OPERATING_MODE,
)


class EvoHomeClimate(OverkizBatchClimate):
    """An EvoHome controller: a day off or holidays end on a date."""

    @property
    def preset_modes(self) -> list[str]:
        """Offer none (the programme) besides a day off and holidays."""
        return [PRESET_NONE, *(self._attr_preset_modes or [])]

    @property
    def preset_mode(self) -> str | None:
        """Return day off or holidays, else none."""
        return super().preset_mode or PRESET_NONE

    async def async_set_preset_mode(self, preset_mode: str) -> None:
        """Take a day off (until midnight) or holidays (a week).

        None ends them: the controller runs its programme (auto) again.
        """
        if preset_mode == PRESET_NONE:
            if self.preset_mode != PRESET_NONE:
                await super().async_set_hvac_mode(HVACMode.AUTO)
            return
        if preset_mode not in _EVO_PRESETS:
            raise validation_error("unsupported_preset_mode", preset_mode=preset_mode)
        mode, days = _EVO_PRESETS[preset_mode]
        midnight = dt_util.now().replace(hour=0, minute=0, second=0, microsecond=0)
        until = (midnight + timedelta(days=days)).strftime("%Y/%m/%d %H:%M")
        await self.async_execute(
            self.command(OverkizCommand.SET_OPERATING_MODE, mode, until)
        )
