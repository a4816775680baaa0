"""Somfy thermostats: a mode followed by the week's programme, or a derogation.

Out of a derogation the thermostat follows its programme (auto) and shows the
mode it is in; a derogation (heat) holds a mode or a temperature until further
notice. A temperature derogation also becomes the manual mode's setpoint: two
commands, one action.
"""

from __future__ import annotations

from types import MappingProxyType
from typing import TYPE_CHECKING, Any

from homeassistant.components.climate.const import (
    PRESET_AWAY,
    PRESET_HOME,
    PRESET_NONE,
    PRESET_SLEEP,
    ClimateEntityFeature,
    HVACMode,
)
from homeassistant.const import ATTR_TEMPERATURE
from pyoverkiz.enums import OverkizCommand, OverkizCommandParam, OverkizState, UIWidget

from .climate_descriptions import FURTHER_NOTICE, OverkizClimateDescription
from .climate_entity import OverkizBatchClimate
from .states import as_float, as_str
from .validation import validation_error

if TYPE_CHECKING:
    from .coordinator import OverkizBatchCoordinator

PRESET_FREEZE = "freeze"

# Heating mode -> (preset, the state holding the mode's setpoint).
_MODES: dict[str, tuple[str, str | None]] = {
    "atHomeMode": (
        PRESET_HOME,
        OverkizState.SOMFYTHERMOSTAT_AT_HOME_TARGET_TEMPERATURE,
    ),
    "awayMode": (
        PRESET_AWAY,
        OverkizState.SOMFYTHERMOSTAT_AWAY_MODE_TARGET_TEMPERATURE,
    ),
    "freezeMode": (
        PRESET_FREEZE,
        OverkizState.SOMFYTHERMOSTAT_FREEZE_MODE_TARGET_TEMPERATURE,
    ),
    "sleepingMode": (
        PRESET_SLEEP,
        OverkizState.SOMFYTHERMOSTAT_SLEEPING_MODE_TARGET_TEMPERATURE,
    ),
    "manualMode": (PRESET_NONE, None),
    "geofencingMode": (PRESET_NONE, None),
    "suddenDropMode": (PRESET_NONE, None),
}

SOMFY_THERMOSTAT = OverkizClimateDescription(
    key=UIWidget.SOMFY_THERMOSTAT,
    hvac_state=OverkizState.CORE_DEROGATION_ACTIVATION,
    hvac_modes=MappingProxyType(
        {OverkizCommandParam.ACTIVE: HVACMode.HEAT, "inactive": HVACMode.AUTO}
    ),
    min_temp=15.0,
    max_temp=26.0,
)


class SomfyThermostatClimate(OverkizBatchClimate):
    """A Somfy thermostat."""

    def __init__(
        self,
        coordinator: OverkizBatchCoordinator,
        device_url: str,
        description: OverkizClimateDescription,
    ) -> None:
        """Offer auto and heat, the modes as presets, and a setpoint."""
        super().__init__(coordinator, device_url, description)
        self._attr_hvac_modes = [HVACMode.AUTO, HVACMode.HEAT]
        self._attr_preset_modes = list(
            dict.fromkeys(preset for preset, _ in _MODES.values())
        )
        self._attr_supported_features = (
            ClimateEntityFeature.PRESET_MODE | ClimateEntityFeature.TARGET_TEMPERATURE
        )

    @property
    def hvac_mode(self) -> HVACMode:
        """Return heat during a derogation, else auto."""
        return super().hvac_mode or HVACMode.AUTO

    def _mode(self) -> str | None:
        state = (
            OverkizState.SOMFYTHERMOSTAT_DEROGATION_HEATING_MODE
            if self.hvac_mode == HVACMode.HEAT
            else OverkizState.SOMFYTHERMOSTAT_HEATING_MODE
        )
        return as_str(self.state_of(state))

    @property
    def preset_mode(self) -> str | None:
        """Return the mode the thermostat is in (none for manual ones)."""
        mode = self._mode()
        return None if mode not in _MODES else _MODES[mode][0]

    @property
    def target_temperature(self) -> float | None:
        """Return the derogation's temperature, else the mode's setpoint."""
        if self.hvac_mode == HVACMode.HEAT:
            return as_float(
                self.state_of(OverkizState.CORE_DEROGATED_TARGET_TEMPERATURE)
            )
        mode = self._mode()
        state = None if mode not in _MODES else _MODES[mode][1]
        return as_float(self.state_of(state))

    async def _async_hold(self, temperature: float) -> None:
        """Hold a temperature until further notice; it is the manual setpoint."""
        await self.async_execute(
            self.command(OverkizCommand.SET_DEROGATION, temperature, FURTHER_NOTICE),
            self.command(
                OverkizCommand.SET_MODE_TEMPERATURE,
                OverkizCommandParam.MANUAL_MODE,
                temperature,
            ),
        )

    async def async_set_temperature(self, **kwargs: Any) -> None:
        """Hold a temperature, within the thermostat's range."""
        temperature = as_float(kwargs.get(ATTR_TEMPERATURE))
        if temperature is None or not self.min_temp <= temperature <= self.max_temp:
            raise validation_error(
                "temperature_out_of_range",
                temperature=kwargs.get(ATTR_TEMPERATURE),
                min_temp=self.min_temp,
                max_temp=self.max_temp,
            )
        await self._async_hold(temperature)

    async def async_set_hvac_mode(self, hvac_mode: HVACMode) -> None:
        """Auto ends the derogation; heat holds the current setpoint."""
        if hvac_mode == HVACMode.AUTO:
            await self.async_execute(self.command(OverkizCommand.EXIT_DEROGATION))
        elif hvac_mode == HVACMode.HEAT:
            await self.async_set_preset_mode(PRESET_NONE)
        else:
            raise validation_error("unsupported_hvac_mode", hvac_mode=hvac_mode)

    async def async_set_preset_mode(self, preset_mode: str) -> None:
        """Hold a mode until further notice; none holds the current setpoint."""
        if preset_mode == PRESET_NONE:
            if (target := self.target_temperature) is None:
                raise validation_error(
                    "unsupported_preset_mode", preset_mode=preset_mode
                )
            await self._async_hold(target)
            return
        mode = next((m for m, (p, _) in _MODES.items() if p == preset_mode), None)
        if mode is None:
            raise validation_error("unsupported_preset_mode", preset_mode=preset_mode)
        await self.async_execute(
            self.command(OverkizCommand.SET_DEROGATION, mode, FURTHER_NOTICE)
        )
