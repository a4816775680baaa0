"""Water heaters: Atlantic (Cozytouch) hot water production, Pass APC, Hitachi."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from homeassistant.components.water_heater import WaterHeaterEntity
from homeassistant.components.water_heater.const import WaterHeaterEntityFeature
from homeassistant.const import ATTR_TEMPERATURE, UnitOfTemperature

from .entity import OverkizBatchEntity, async_add_device_entities
from .states import as_float
from .validation import validation_error
from .water_heater_descriptions import (
    WATER_HEATER_DESCRIPTIONS,
    OverkizWaterHeaterDescription,
)

if TYPE_CHECKING:
    from collections.abc import Iterator

    from homeassistant.core import HomeAssistant
    from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback
    from pyoverkiz.models import Command, Device

    from .coordinator import OverkizBatchConfigEntry, OverkizBatchCoordinator

# The guards govern concurrency, not Home Assistant's semaphore.
PARALLEL_UPDATES = 0

Feature = WaterHeaterEntityFeature


async def async_setup_entry(
    hass: HomeAssistant,
    entry: OverkizBatchConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Add a water heater for every supported device, now and when one appears."""
    async_add_device_entities(entry, async_add_entities, _water_heaters_of)


def _water_heaters_of(
    coordinator: OverkizBatchCoordinator, device: Device
) -> Iterator[OverkizBatchWaterHeater]:
    if (description := WATER_HEATER_DESCRIPTIONS.get(str(device.widget))) is not None:
        yield OverkizBatchWaterHeater(coordinator, device.device_url, description)


class OverkizBatchWaterHeater(OverkizBatchEntity, WaterHeaterEntity):
    """An Overkiz water heater, driven by its description."""

    entity_description: OverkizWaterHeaterDescription
    _part_named_by_label = True  # a heat pump's hot water
    _attr_temperature_unit = UnitOfTemperature.CELSIUS

    def __init__(
        self,
        coordinator: OverkizBatchCoordinator,
        device_url: str,
        description: OverkizWaterHeaterDescription,
    ) -> None:
        """Offer the operations, absence and setpoint the device has."""
        super().__init__(coordinator, device_url, description)
        self._attr_operation_list = description.operations_fn(self.device)
        features = Feature.TARGET_TEMPERATURE
        if self._attr_operation_list:
            features |= Feature.OPERATION_MODE
        if description.away_commands_fn and description.away_commands_fn(
            self.device, True
        ):
            features |= Feature.AWAY_MODE
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
    def current_temperature(self) -> float | None:
        """Return the water temperature."""
        for name in self.entity_description.current_temperature_states:
            if (value := as_float(self.state_of(name))) is not None:
                return value
        return None

    @property
    def target_temperature(self) -> float | None:
        """Return the setpoint."""
        return self.entity_description.target_temperature_fn(self.device)

    @property
    def current_operation(self) -> str | None:
        """Return the operation the device is in."""
        return self.entity_description.operation_fn(self.device)

    @property
    def is_away_mode_on(self) -> bool | None:
        """Return whether the heater is in absence mode."""
        if (away := self.entity_description.away_fn) is None:
            return None
        return away(self.device)

    async def _async_run(self, commands: list[Command]) -> None:
        """Run an operation's commands as one action, in order."""
        if commands:
            await self.async_execute(*commands)

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
        await self._async_run(
            self.entity_description.temperature_commands_fn(self.device, temperature)
        )

    async def async_set_operation_mode(self, operation_mode: str) -> None:
        """Switch to an operation; its commands go to the gateway as one action."""
        if operation_mode not in (self.operation_list or []):
            raise validation_error(
                "unsupported_operation_mode", operation_mode=operation_mode
            )
        await self._async_run(
            self.entity_description.operation_commands_fn(self.device, operation_mode)
        )

    async def async_turn_away_mode_on(self) -> None:
        """Start an absence."""
        await self._async_away(True)

    async def async_turn_away_mode_off(self) -> None:
        """End the absence."""
        await self._async_away(False)

    async def _async_away(self, on: bool) -> None:
        if (commands := self.entity_description.away_commands_fn) is None:
            return
        await self._async_run(commands(self.device, on))
