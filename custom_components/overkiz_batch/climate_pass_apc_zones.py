"""Atlantic Pass APC zones run by a zone control.

Such a zone has one thermal configuration (heating, cooling or both), is on or
off, and follows a schedule or a manual setpoint; a setpoint change switches a
derogation on with it, as one action. Zones that derogate like heating zones
are run as those.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from homeassistant.components.climate.const import (
    ATTR_TARGET_TEMP_HIGH,
    ATTR_TARGET_TEMP_LOW,
    PRESET_NONE,
    ClimateEntityFeature,
    HVACAction,
    HVACMode,
)
from homeassistant.const import ATTR_TEMPERATURE
from pyoverkiz.enums import OverkizCommand, OverkizState

from .climate_descriptions import PRESET_MANUAL
from .climate_pass_apc import (
    HEATING_MODE,
    HEATING_PROFILE,
    OPERATING_MODE,
    SET_DEROGATION,
    SET_HEATING_MODE,
    HeatingZoneClimate,
)
from .states import as_float, as_str
from .validation import validation_error

if TYPE_CHECKING:
    from .climate_descriptions import OverkizClimateDescription
    from .coordinator import OverkizBatchCoordinator

PRESET_SCHEDULE = "schedule"


_CONFIGURATIONS = {
    "heating": HVACMode.HEAT,
    "cooling": HVACMode.COOL,
    "heatingAndCooling": HVACMode.HEAT_COOL,
}
_SCHEDULES = {"manu": PRESET_MANUAL, "internalScheduling": PRESET_SCHEDULE}
_ACTIONS = {
    "heating": HVACAction.HEATING,
    "cooling": HVACAction.COOLING,
    "drying": HVACAction.DRYING,
    "stop": HVACAction.OFF,
}


class ZoneControlZoneClimate(HeatingZoneClimate):
    """A zone of a zone control (a heating zone where it derogates the same way)."""

    def __init__(
        self,
        coordinator: OverkizBatchCoordinator,
        device_url: str,
        description: OverkizClimateDescription,
    ) -> None:
        """Offer the zone's one configuration and off, and the schedule presets."""
        super().__init__(coordinator, device_url, description)
        self._derogates = self.supports(OverkizCommand.SET_DEROGATED_TARGET_TEMPERATURE)
        self._configuration: HVACMode | None = None
        if self._derogates:
            return
        self._attr_target_temperature_step = 0.5
        configuration = _CONFIGURATIONS.get(
            as_str(self.state_of(OverkizState.CORE_THERMAL_CONFIGURATION)) or ""
        )
        self._configuration = configuration
        self._attr_hvac_modes = [] if configuration is None else [configuration]
        self._attr_hvac_modes.append(HVACMode.OFF)
        self._attr_preset_modes = list(_SCHEDULES.values())
        features = (
            ClimateEntityFeature.PRESET_MODE
            | ClimateEntityFeature.TURN_OFF
            | ClimateEntityFeature.TURN_ON
        )
        if configuration == HVACMode.HEAT_COOL:
            features |= ClimateEntityFeature.TARGET_TEMPERATURE_RANGE
        elif configuration is not None:
            features |= ClimateEntityFeature.TARGET_TEMPERATURE
        self._attr_supported_features = features

    def _control_mode(self) -> str | None:
        """Return what the zone control (``#1``) runs: heating, cooling..."""
        control = self.linked_device(1)
        state = None if control is None else control.states.get(OPERATING_MODE)
        return None if state is None else as_str(state.value)

    @property
    def hvac_action(self) -> HVACAction | None:
        """Return what the zone control does; idle when this zone's profile stops."""
        if self._derogates:
            return super().hvac_action
        action = _ACTIONS.get(self._control_mode() or "", HVACAction.OFF)
        profile = {
            HVACAction.HEATING: HEATING_PROFILE,
            HVACAction.COOLING: OverkizState.IO_PASS_APC_COOLING_PROFILE,
        }.get(action)
        if profile is not None and self.state_of(profile) == "stop":
            return HVACAction.IDLE
        return action

    @property
    def hvac_mode(self) -> HVACMode | None:
        """Return the configuration, or off when its heating/cooling is off."""
        if self._derogates:
            return super().hvac_mode
        heating = self.state_of(OverkizState.CORE_HEATING_ON_OFF) == "on"
        cooling = self.state_of(OverkizState.CORE_COOLING_ON_OFF) == "on"
        on = {HVACMode.HEAT: heating, HVACMode.COOL: cooling}.get(
            self._configuration or HVACMode.OFF, heating or cooling
        )
        return self._configuration if on and self._configuration else HVACMode.OFF

    async def async_set_hvac_mode(self, hvac_mode: HVACMode) -> None:
        """Switch cooling and heating on or off together, as one action."""
        if self._derogates:
            await super().async_set_hvac_mode(hvac_mode)
            return
        if hvac_mode not in self._attr_hvac_modes:
            raise validation_error("unsupported_hvac_mode", hvac_mode=hvac_mode)
        value = "off" if hvac_mode == HVACMode.OFF else "on"
        await self.async_execute(
            self.command(OverkizCommand.SET_COOLING_ON_OFF, value),
            self.command(OverkizCommand.SET_HEATING_ON_OFF, value),
        )

    @property
    def preset_mode(self) -> str | None:
        """Return schedule or manual, for what the zone control runs now."""
        if self._derogates:
            return super().preset_mode
        state = {
            "heating": HEATING_MODE,
            "cooling": OverkizState.IO_PASS_APC_COOLING_MODE,
        }.get(self._control_mode() or "")
        mode = as_str(self.state_of(state))
        return PRESET_NONE if mode is None else _SCHEDULES.get(mode, PRESET_NONE)

    async def async_set_preset_mode(self, preset_mode: str) -> None:
        """Set the heating and the cooling schedule, as one action."""
        if self._derogates:
            await super().async_set_preset_mode(preset_mode)
            return
        mode = next((m for m, p in _SCHEDULES.items() if p == preset_mode), None)
        if mode is None:
            raise validation_error("unsupported_preset_mode", preset_mode=preset_mode)
        await self.async_execute(
            self.command(SET_HEATING_MODE, mode),
            self.command(OverkizCommand.SET_PASS_APC_COOLING_MODE, mode),
        )

    @property
    def target_temperature(self) -> float | None:
        """Return the heating or cooling setpoint (none in heat/cool)."""
        if self._derogates:
            return super().target_temperature
        state = {
            HVACMode.HEAT: OverkizState.CORE_HEATING_TARGET_TEMPERATURE,
            HVACMode.COOL: OverkizState.CORE_COOLING_TARGET_TEMPERATURE,
        }.get(self._configuration or HVACMode.OFF)
        return as_float(self.state_of(state))

    @property
    def target_temperature_high(self) -> float | None:
        """Return the cooling setpoint, in heat/cool."""
        if self._derogates or self._configuration != HVACMode.HEAT_COOL:
            return None
        return as_float(self.state_of(OverkizState.CORE_COOLING_TARGET_TEMPERATURE))

    @property
    def target_temperature_low(self) -> float | None:
        """Return the heating setpoint, in heat/cool."""
        if self._derogates or self._configuration != HVACMode.HEAT_COOL:
            return None
        return as_float(self.state_of(OverkizState.CORE_HEATING_TARGET_TEMPERATURE))

    async def async_set_temperature(self, **kwargs: Any) -> None:
        """Set the setpoints the configuration has, with a derogation: one action."""
        if self._derogates:
            await super().async_set_temperature(**kwargs)
            return
        heat = OverkizCommand.SET_HEATING_TARGET_TEMPERATURE
        cool = OverkizCommand.SET_COOLING_TARGET_TEMPERATURE
        wanted: list[tuple[str, Any]] = []
        if self._configuration == HVACMode.HEAT_COOL:
            wanted = [
                (heat, kwargs.get(ATTR_TARGET_TEMP_LOW)),
                (cool, kwargs.get(ATTR_TARGET_TEMP_HIGH)),
            ]
        elif self._configuration in (HVACMode.HEAT, HVACMode.COOL):
            name = heat if self._configuration == HVACMode.HEAT else cool
            wanted = [(name, kwargs.get(ATTR_TEMPERATURE))]
        commands = []
        for command, value in wanted:
            if value is None:
                continue
            temperature = as_float(value)
            if temperature is None or not self.min_temp <= temperature <= self.max_temp:
                raise validation_error(
                    "temperature_out_of_range",
                    temperature=value,
                    min_temp=self.min_temp,
                    max_temp=self.max_temp,
                )
            commands.append(self.command(command, temperature))
        if commands:
            await self.async_execute(*commands, self.command(SET_DEROGATION, "on"))
