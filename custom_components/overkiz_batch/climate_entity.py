"""The climate entity the heating families share, driven by their descriptions."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from homeassistant.components.climate import ClimateEntity
from homeassistant.components.climate.const import (
    ClimateEntityFeature,
    HVACAction,
    HVACMode,
)
from homeassistant.const import ATTR_TEMPERATURE, UnitOfTemperature
from pyoverkiz.enums import OverkizState

from .entity import OverkizBatchEntity
from .states import as_float, as_str, state_value
from .validation import validation_error

if TYPE_CHECKING:
    from .climate_descriptions import OverkizClimateDescription
    from .coordinator import OverkizBatchCoordinator


class OverkizBatchClimate(OverkizBatchEntity, ClimateEntity):
    """An Overkiz heater or valve, driven by its description."""

    entity_description: OverkizClimateDescription
    _part_named_by_label = True  # a heat pump's zones
    _attr_temperature_unit = UnitOfTemperature.CELSIUS

    def __init__(
        self,
        coordinator: OverkizBatchCoordinator,
        device_url: str,
        description: OverkizClimateDescription,
    ) -> None:
        """Offer the modes, presets and setpoint the description and device have."""
        super().__init__(coordinator, device_url, description)
        desc = description
        if desc.fixed_hvac_mode is not None:
            self._attr_hvac_modes = [desc.fixed_hvac_mode]
        else:
            self._attr_hvac_modes = [
                mode
                for mode, (command, _) in desc.hvac_commands.items()
                if self.supports(command)
            ]
        presets = []
        if self.supports(desc.preset_command):
            presets = list(desc.presets.values())
        presets += [
            preset
            for preset, (command, _) in desc.preset_commands.items()
            if self.supports(command)
        ]
        self._attr_preset_modes = list(dict.fromkeys(presets))
        features = ClimateEntityFeature(0)
        if self._attr_preset_modes:
            features |= ClimateEntityFeature.PRESET_MODE
        if desc.target_temperature_state and self.supports(desc.temperature_command):
            features |= ClimateEntityFeature.TARGET_TEMPERATURE
        if HVACMode.OFF in self._attr_hvac_modes:
            features |= ClimateEntityFeature.TURN_OFF | ClimateEntityFeature.TURN_ON
        self._attr_supported_features = features

    @property
    def min_temp(self) -> float:
        """Return the lowest setpoint the device accepts."""
        value = as_float(self.state_of(self.entity_description.min_temp_state))
        return self.entity_description.min_temp if value is None else value

    @property
    def max_temp(self) -> float:
        """Return the highest setpoint the device accepts."""
        value = as_float(self.state_of(self.entity_description.max_temp_state))
        return self.entity_description.max_temp if value is None else value

    @property
    def hvac_modes(self) -> list[HVACMode]:
        """Return the modes the device can be switched to.

        A device without the family's mode commands is shown in the mode it
        reports, the only one it offers.
        """
        if self._attr_hvac_modes or (mode := self.hvac_mode) is None:
            return self._attr_hvac_modes
        return [mode]

    @property
    def hvac_mode(self) -> HVACMode | None:
        """Return the mode the device is in (None for a value we do not know)."""
        desc = self.entity_description
        if desc.fixed_hvac_mode is not None:
            return desc.fixed_hvac_mode
        value = as_str(self.state_of(desc.hvac_state))
        return None if value is None else desc.hvac_modes.get(value)

    @property
    def hvac_action(self) -> HVACAction | None:
        """Return what the device is doing, when it says."""
        desc = self.entity_description
        value = as_str(self.state_of(desc.hvac_action_state))
        return None if value is None else desc.hvac_actions.get(value)

    @property
    def preset_mode(self) -> str | None:
        """Return the current preset (None when off or unknown).

        The level the device reports first; else the programme it follows
        (``mode_presets``).
        """
        desc = self.entity_description
        value = as_str(self.state_of(desc.preset_state))
        if value is not None and (preset := desc.presets.get(value)) is not None:
            return preset
        mode = as_str(self.state_of(desc.hvac_state))
        return None if mode is None else desc.mode_presets.get(mode)

    def _in_auto(self) -> bool:
        """Tell whether the auto mode's own setpoint applies."""
        desc = self.entity_description
        return (
            self.hvac_mode == HVACMode.AUTO
            and self.state_of(desc.auto_target_temperature_state) is not None
        )

    @property
    def target_temperature(self) -> float | None:
        """Return the setpoint (in auto, the one the programme follows)."""
        desc = self.entity_description
        if self._in_auto():
            return as_float(self.state_of(desc.auto_target_temperature_state))
        return as_float(self.state_of(desc.target_temperature_state))

    @property
    def current_temperature(self) -> float | None:
        """Return the room temperature from the device's sensor sub-device."""
        return as_float(
            state_value(
                self.linked_device(self.entity_description.temperature_sensor_index),
                OverkizState.CORE_TEMPERATURE,
            )
        )

    async def async_set_hvac_mode(self, hvac_mode: HVACMode) -> None:
        """Switch the device to a mode."""
        desc = self.entity_description
        if hvac_mode == desc.fixed_hvac_mode:
            return
        if not self._attr_hvac_modes and hvac_mode == self.hvac_mode:
            return  # the mode it is in, which it cannot leave
        if hvac_mode not in self._attr_hvac_modes:
            raise validation_error("unsupported_hvac_mode", hvac_mode=hvac_mode)
        command, parameter = desc.hvac_commands[hvac_mode]
        await self.async_execute(self.command(command, parameter))

    async def async_set_preset_mode(self, preset_mode: str) -> None:
        """Apply a preset."""
        desc = self.entity_description
        if preset_mode not in (self.preset_modes or []):
            raise validation_error("unsupported_preset_mode", preset_mode=preset_mode)
        if preset_mode in desc.preset_commands:
            await self.async_execute(self.command(*desc.preset_commands[preset_mode]))
            return
        value = next(v for v, p in desc.presets.items() if p == preset_mode)
        if value == desc.manual_preset:
            # A manual derogation needs a temperature: keep the current target.
            if (target := self.target_temperature) is None:
                raise validation_error("unsupported_preset_mode", preset_mode=value)
            await self._async_set_target(target)
            return
        await self.async_execute(
            self.command(str(desc.preset_command), value, *desc.preset_args)
        )

    async def async_set_temperature(self, **kwargs: Any) -> None:
        """Change the setpoint, within the device's range."""
        temperature = as_float(kwargs.get(ATTR_TEMPERATURE))
        if temperature is None or not self.min_temp <= temperature <= self.max_temp:
            raise validation_error(
                "temperature_out_of_range",
                temperature=kwargs.get(ATTR_TEMPERATURE),
                min_temp=self.min_temp,
                max_temp=self.max_temp,
            )
        await self._async_set_target(temperature)

    async def _async_set_target(self, temperature: float) -> None:
        desc = self.entity_description
        if self._in_auto() and self.supports(desc.auto_temperature_command):
            # The comfort setpoint stays; the programme's one is derogated.
            command = str(desc.auto_temperature_command)
            await self.async_execute(self.command(command, temperature))
            return
        if desc.temperature_command is None:
            raise validation_error("unsupported_preset_mode", preset_mode="manual")
        await self.async_execute(
            self.command(desc.temperature_command, temperature, *desc.temperature_args)
        )
