"""Atlantic Pass APC heat pumps: the pump, its zone control and its zones.

The pump and the zone control choose heating or cooling; each zone has its
own mode, profile and setpoints. A zone's change that needs a derogation
switched on or off goes with it, as one action.
"""

from __future__ import annotations

from types import MappingProxyType
from typing import TYPE_CHECKING

from homeassistant.components.climate.const import (
    PRESET_AWAY,
    PRESET_COMFORT,
    PRESET_ECO,
    PRESET_HOME,
    PRESET_SLEEP,
    HVACMode,
)
from pyoverkiz.enums import OverkizCommand, OverkizState, UIWidget

from .climate_descriptions import (
    PRESET_EXTERNAL,
    PRESET_FROST_PROTECTION,
    OverkizClimateDescription,
)
from .climate_entity import OverkizBatchClimate
from .states import as_float, as_str
from .validation import validation_error

if TYPE_CHECKING:
    from pyoverkiz.models import Command

    from .coordinator import OverkizBatchCoordinator

OPERATING_MODE = OverkizState.IO_PASS_APC_OPERATING_MODE
SET_OPERATING_MODE = OverkizCommand.SET_PASS_APC_OPERATING_MODE
_AUTO_SWITCH = OverkizState.CORE_HEATING_COOLING_AUTO_SWITCH
_SET_AUTO_SWITCH = OverkizCommand.SET_HEATING_COOLING_AUTO_SWITCH

HEAT_PUMP = OverkizClimateDescription(
    key=UIWidget.ATLANTIC_PASS_APC_HEAT_PUMP,
    hvac_state=OPERATING_MODE,
    hvac_modes=MappingProxyType(
        {"stop": HVACMode.OFF, "heating": HVACMode.HEAT, "cooling": HVACMode.COOL}
    ),
    hvac_commands=MappingProxyType(
        {
            HVACMode.OFF: (SET_OPERATING_MODE, "stop"),
            HVACMode.HEAT: (SET_OPERATING_MODE, "heating"),
            HVACMode.COOL: (SET_OPERATING_MODE, "cooling"),
        }
    ),
)

ZONE_CONTROL = OverkizClimateDescription(
    key=UIWidget.ATLANTIC_PASS_APC_ZONE_CONTROL,
    hvac_state=OPERATING_MODE,
    hvac_modes=MappingProxyType(
        {
            "stop": HVACMode.OFF,
            "heating": HVACMode.HEAT,
            "cooling": HVACMode.COOL,
            "drying": HVACMode.DRY,
        }
    ),
    hvac_commands=MappingProxyType(
        {
            HVACMode.OFF: (SET_OPERATING_MODE, "stop"),
            HVACMode.HEAT: (SET_OPERATING_MODE, "heating"),
            HVACMode.COOL: (SET_OPERATING_MODE, "cooling"),
            HVACMode.DRY: (SET_OPERATING_MODE, "drying"),
        }
    ),
)


class ZoneControlClimate(OverkizBatchClimate):
    """The zone control: also auto (heating or cooling as needed) where offered."""

    def __init__(
        self,
        coordinator: OverkizBatchCoordinator,
        device_url: str,
        description: OverkizClimateDescription,
    ) -> None:
        """Add auto when the device has the heating/cooling switch."""
        super().__init__(coordinator, device_url, description)
        self._auto = (
            self.supports(_SET_AUTO_SWITCH) and self.state_of(_AUTO_SWITCH) is not None
        )
        if self._auto:
            self._attr_hvac_modes = [*self._attr_hvac_modes, HVACMode.AUTO]

    @property
    def hvac_mode(self) -> HVACMode | None:
        """Return auto while the switch is on, else the operating mode."""
        if self._auto and self.state_of(_AUTO_SWITCH) == "on":
            return HVACMode.AUTO
        return super().hvac_mode

    async def async_set_hvac_mode(self, hvac_mode: HVACMode) -> None:
        """Set the auto switch, then the operating mode, as one action."""
        if hvac_mode not in self._attr_hvac_modes:
            raise validation_error("unsupported_hvac_mode", hvac_mode=hvac_mode)
        commands: list[Command] = []
        if self._auto:
            switch = "on" if hvac_mode == HVACMode.AUTO else "off"
            commands.append(self.command(_SET_AUTO_SWITCH, switch))
        if hvac_mode != HVACMode.AUTO:
            command, value = self.entity_description.hvac_commands[hvac_mode]
            commands.append(self.command(command, value))
        await self.async_execute(*commands)


# Heating zones.

HEATING_MODE = OverkizState.IO_PASS_APC_HEATING_MODE
HEATING_PROFILE = OverkizState.IO_PASS_APC_HEATING_PROFILE
SET_HEATING_MODE = OverkizCommand.SET_PASS_APC_HEATING_MODE
SET_DEROGATION = OverkizCommand.SET_DEROGATION_ON_OFF_STATE

HEATING_ZONE = OverkizClimateDescription(
    key=UIWidget.ATLANTIC_PASS_APC_HEATING_ZONE,
    hvac_state=HEATING_MODE,
    hvac_modes=MappingProxyType(
        {
            "auto": HVACMode.AUTO,
            "eco": HVACMode.AUTO,
            "externalScheduling": HVACMode.AUTO,
            "internalScheduling": HVACMode.AUTO,
            "manu": HVACMode.HEAT,
            "heating": HVACMode.HEAT,
            "comfort": HVACMode.HEAT,
            "stop": HVACMode.OFF,
        }
    ),
    hvac_commands=MappingProxyType(
        {
            HVACMode.AUTO: (SET_HEATING_MODE, "internalScheduling"),
            HVACMode.HEAT: (SET_HEATING_MODE, "comfort"),
            HVACMode.OFF: (SET_HEATING_MODE, "stop"),
        }
    ),
    preset_state=HEATING_MODE,
    presets=MappingProxyType(
        {
            "comfort": PRESET_COMFORT,
            "absence": PRESET_AWAY,
            "eco": PRESET_ECO,
            "frostprotection": PRESET_FROST_PROTECTION,
            "externalScheduling": PRESET_EXTERNAL,
            "internalScheduling": PRESET_HOME,
        }
    ),
    preset_command=SET_HEATING_MODE,
    target_temperature_state=OverkizState.CORE_TARGET_TEMPERATURE,
    temperature_command=OverkizCommand.SET_DEROGATED_TARGET_TEMPERATURE,
)

# What the programme runs now, in internal scheduling.
_PROFILES = {
    "off": PRESET_SLEEP,
    "stop": PRESET_SLEEP,
    "eco": PRESET_ECO,
    "absence": PRESET_AWAY,
    "manu": PRESET_COMFORT,
    "derogation": PRESET_COMFORT,
    "externalSetpoint": PRESET_EXTERNAL,
    "frostprotection": PRESET_FROST_PROTECTION,
    "comfort": PRESET_COMFORT,
}
_PROFILE_SETPOINTS = {
    "eco": OverkizState.CORE_ECO_HEATING_TARGET_TEMPERATURE,
    "comfort": OverkizState.CORE_COMFORT_HEATING_TARGET_TEMPERATURE,
    "derogation": OverkizState.CORE_DEROGATED_TARGET_TEMPERATURE,
}


class HeatingZoneClimate(OverkizBatchClimate):
    """A heating zone: mode and preset are its heating mode; a setpoint derogates."""

    @property
    def current_temperature(self) -> float | None:
        """Return the temperature of the zone's sensor (the next sub-device)."""
        subsystem = self.device.identifier.subsystem_id
        sensor = None if subsystem is None else self.linked_device(subsystem + 1)
        if sensor is None:
            return None
        state = sensor.states.get(OverkizState.CORE_TEMPERATURE)
        return None if state is None else as_float(state.value)

    def _profile(self) -> str | None:
        return as_str(self.state_of(HEATING_PROFILE))

    @property
    def preset_mode(self) -> str | None:
        """Return the preset; in the programme, what it runs now."""
        if as_str(self.state_of(HEATING_MODE)) == "internalScheduling":
            return _PROFILES.get(self._profile() or "")
        return super().preset_mode

    @property
    def target_temperature(self) -> float | None:
        """Return the setpoint of the profile in force."""
        if (state := _PROFILE_SETPOINTS.get(self._profile() or "")) is not None:
            return as_float(self.state_of(state))
        return super().target_temperature

    async def _async_heating_mode(self, mode: str) -> None:
        """Set the heating mode; a running derogation ends with it."""
        commands = [self.command(SET_HEATING_MODE, mode)]
        if self._profile() == "derogation":
            commands.append(self.command(SET_DEROGATION, "off"))
        await self.async_execute(*commands)

    async def async_set_hvac_mode(self, hvac_mode: HVACMode) -> None:
        """Switch the zone's heating mode."""
        if hvac_mode not in self._attr_hvac_modes:
            raise validation_error("unsupported_hvac_mode", hvac_mode=hvac_mode)
        await self._async_heating_mode(
            self.entity_description.hvac_commands[hvac_mode][1]
        )

    async def async_set_preset_mode(self, preset_mode: str) -> None:
        """Switch the zone's heating mode to a preset's."""
        presets = self.entity_description.presets
        mode = next((m for m, p in presets.items() if p == preset_mode), None)
        if mode is None:
            raise validation_error("unsupported_preset_mode", preset_mode=preset_mode)
        await self._async_heating_mode(mode)

    async def _async_set_target(self, temperature: float) -> None:
        """In the programme change comfort; else derogate, as one action."""
        if self.hvac_mode == HVACMode.AUTO:
            command = OverkizCommand.SET_COMFORT_HEATING_TARGET_TEMPERATURE
            await self.async_execute(self.command(command, temperature))
            return
        await self.async_execute(
            self.command(OverkizCommand.SET_DEROGATED_TARGET_TEMPERATURE, temperature),
            self.command(SET_DEROGATION, "on"),
        )
