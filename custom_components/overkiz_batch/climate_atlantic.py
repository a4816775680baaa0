"""Atlantic towel dryers and heat recovery ventilation.

What their tables cannot say: a towel dryer's programme preset ends a running
boost or drying period first (two commands, one action), and the ventilation's
mode is a dictionary the device reports and takes back whole, changed.
"""

from __future__ import annotations

from types import MappingProxyType
from typing import TYPE_CHECKING, Any

from homeassistant.components.climate.const import (
    FAN_AUTO,
    PRESET_BOOST,
    PRESET_NONE,
    ClimateEntityFeature,
    HVACMode,
)
from pyoverkiz.enums import OverkizCommand, OverkizCommandParam, OverkizState, UIWidget

from .climate_descriptions import PRESET_AUTO, PRESET_PROG, OverkizClimateDescription
from .climate_entity import OverkizBatchClimate
from .states import as_str
from .validation import validation_error

if TYPE_CHECKING:
    from pyoverkiz.models import Command

    from .coordinator import OverkizBatchCoordinator

PRESET_DRYING = "drying"
PRESET_MANUAL = "manual"

_OPERATING_MODE = OverkizCommand.SET_TOWEL_DRYER_OPERATING_MODE
_TEMPORARY_STATE = OverkizCommand.SET_TOWEL_DRYER_TEMPORARY_STATE

TOWEL_DRYER = OverkizClimateDescription(
    key=UIWidget.ATLANTIC_ELECTRICAL_TOWEL_DRYER,
    hvac_state=OverkizState.CORE_OPERATING_MODE,
    hvac_modes=MappingProxyType(
        {
            "external": HVACMode.HEAT,
            "internal": HVACMode.AUTO,
            "auto": HVACMode.AUTO,
            "standby": HVACMode.OFF,
        }
    ),
    hvac_commands=MappingProxyType(
        {
            HVACMode.HEAT: (_OPERATING_MODE, "external"),
            HVACMode.AUTO: (_OPERATING_MODE, "auto"),
            HVACMode.OFF: (_OPERATING_MODE, "standby"),
        }
    ),
    preset_state=OverkizState.IO_TOWEL_DRYER_TEMPORARY_STATE,
    presets=MappingProxyType(
        {
            OverkizCommandParam.PERMANENT_HEATING: PRESET_NONE,
            OverkizCommandParam.BOOST: PRESET_BOOST,
            OverkizCommandParam.DRYING: PRESET_DRYING,
        }
    ),
    preset_command=_TEMPORARY_STATE,
    preset_commands=MappingProxyType({PRESET_PROG: (_OPERATING_MODE, "internal")}),
    mode_presets=MappingProxyType({"internal": PRESET_PROG}),
    target_temperature_state=OverkizState.CORE_TARGET_TEMPERATURE,
    temperature_command=OverkizCommand.SET_TARGET_TEMPERATURE,
    auto_target_temperature_state=OverkizState.IO_EFFECTIVE_TEMPERATURE_SETPOINT,
    auto_temperature_command=OverkizCommand.SET_DEROGATED_TARGET_TEMPERATURE,
    temperature_sensor_index=7,
)


class TowelDryerClimate(OverkizBatchClimate):
    """A towel dryer: its programme wins over its temporary boost or drying."""

    @property
    def preset_mode(self) -> str | None:
        """Return the programme when it runs, else the temporary state."""
        if as_str(self.state_of(OverkizState.CORE_OPERATING_MODE)) == "internal":
            return PRESET_PROG
        return super().preset_mode

    async def async_set_preset_mode(self, preset_mode: str) -> None:
        """Apply a preset; the programme first ends a boost or drying period.

        Leaving the programme for no preset hands the dryer to its own
        intelligent mode (auto), as its remote does.
        """
        if preset_mode not in (self.preset_modes or []):
            raise validation_error("unsupported_preset_mode", preset_mode=preset_mode)
        current = self.preset_mode
        commands: list[Command] = []
        if preset_mode == PRESET_PROG:
            if current in (PRESET_BOOST, PRESET_DRYING):
                commands.append(
                    self.command(
                        _TEMPORARY_STATE, OverkizCommandParam.PERMANENT_HEATING
                    )
                )
            commands.append(self.command(_OPERATING_MODE, "internal"))
        elif preset_mode == PRESET_NONE and current == PRESET_PROG:
            commands.append(self.command(_OPERATING_MODE, "auto"))
        else:
            await super().async_set_preset_mode(preset_mode)
            return
        await self.async_execute(*commands)


# Heat recovery ventilation: fan modes are air demands, presets configurations.

FAN_HOME_BOOST = "home_boost"
FAN_KITCHEN_BOOST = "kitchen_boost"
FAN_AWAY = "away"
FAN_BYPASS_BOOST = "bypass_boost"

_AIR_DEMANDS = {
    "auto": FAN_AUTO,
    "away": FAN_AWAY,
    "boost": FAN_HOME_BOOST,
    "high": FAN_KITCHEN_BOOST,
}

HEAT_RECOVERY_VENTILATION = OverkizClimateDescription(
    key=UIWidget.ATLANTIC_HEAT_RECOVERY_VENTILATION,
    translation_key="ventilation",
    fixed_hvac_mode=HVACMode.FAN_ONLY,
    temperature_sensor_index=4,
)

# Preset: (configuration mode, programme on or off).
_VENTILATION_PRESETS: dict[str, tuple[str, str]] = {
    PRESET_AUTO: (OverkizCommandParam.COMFORT, OverkizCommandParam.OFF),
    PRESET_PROG: (OverkizCommandParam.STANDARD, OverkizCommandParam.ON),
    PRESET_MANUAL: (OverkizCommandParam.STANDARD, OverkizCommandParam.OFF),
}


class VentilationClimate(OverkizBatchClimate):
    """A heat recovery ventilation: air demand as fan mode, configuration as preset.

    The ventilation mode (programme, bypass cooling, ...) is one dictionary:
    a change sends it back whole, with the one key changed.
    """

    _attr_fan_modes = [*_AIR_DEMANDS.values(), FAN_BYPASS_BOOST]

    def __init__(
        self,
        coordinator: OverkizBatchCoordinator,
        device_url: str,
        description: OverkizClimateDescription,
    ) -> None:
        """Offer fan modes and presets."""
        super().__init__(coordinator, device_url, description)
        self._attr_preset_modes = list(_VENTILATION_PRESETS)
        self._attr_supported_features = (
            ClimateEntityFeature.FAN_MODE | ClimateEntityFeature.PRESET_MODE
        )

    def _ventilation_mode(self) -> dict[str, Any] | None:
        value = self.state_of(OverkizState.IO_VENTILATION_MODE)
        return dict(value) if isinstance(value, dict) else None

    @property
    def fan_mode(self) -> str | None:
        """Return the air demand; bypass when cooling through the bypass."""
        mode = self._ventilation_mode() or {}
        if mode.get(OverkizCommandParam.COOLING) == OverkizCommandParam.ON:
            return FAN_BYPASS_BOOST
        demand = as_str(self.state_of(OverkizState.IO_AIR_DEMAND_MODE))
        return None if demand is None else _AIR_DEMANDS.get(demand)

    @property
    def preset_mode(self) -> str | None:
        """Return the configuration: auto (comfort), programme or manual."""
        configuration = as_str(
            self.state_of(OverkizState.IO_VENTILATION_CONFIGURATION_MODE)
        )
        if configuration == OverkizCommandParam.COMFORT:
            return PRESET_AUTO
        mode = self._ventilation_mode()
        if mode is not None and mode.get(OverkizCommandParam.PROG) == "on":
            return PRESET_PROG
        if configuration == OverkizCommandParam.STANDARD:
            return PRESET_MANUAL
        return None

    def _mode_command(self, key: str, value: str) -> list[Command]:
        """Return the whole ventilation mode sent back with one key changed.

        The command needs every key; without the state (some local gateways
        omit it) nothing is sent for the mode.
        """
        mode = self._ventilation_mode()
        if mode is None:
            return []
        mode[key] = value
        return [self.command(OverkizCommand.SET_VENTILATION_MODE, mode)]

    async def async_set_fan_mode(self, fan_mode: str) -> None:
        """Set the air demand, or the bypass (auto demand, cooling on)."""
        if fan_mode == FAN_BYPASS_BOOST:
            await self.async_execute(
                self.command(OverkizCommand.SET_AIR_DEMAND_MODE, "auto"),
                *self._mode_command(OverkizCommandParam.COOLING, "on"),
            )
            return
        demand = next((d for d, m in _AIR_DEMANDS.items() if m == fan_mode), None)
        if demand is None:
            raise validation_error("unsupported_fan_mode", fan_mode=fan_mode)
        await self.async_execute(
            *self._mode_command(OverkizCommandParam.COOLING, "off"),
            self.command(OverkizCommand.SET_AIR_DEMAND_MODE, demand),
        )

    async def async_set_preset_mode(self, preset_mode: str) -> None:
        """Set the configuration and switch the programme on or off."""
        if preset_mode not in _VENTILATION_PRESETS:
            raise validation_error("unsupported_preset_mode", preset_mode=preset_mode)
        configuration, programme = _VENTILATION_PRESETS[preset_mode]
        await self.async_execute(
            self.command(
                OverkizCommand.SET_VENTILATION_CONFIGURATION_MODE, configuration
            ),
            *self._mode_command(OverkizCommandParam.PROG, programme),
        )
