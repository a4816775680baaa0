"""Diagnostic sensor: how many actions wait in the gateway's queue."""

from __future__ import annotations

from typing import TYPE_CHECKING

from homeassistant.components.sensor import SensorEntity, SensorStateClass
from homeassistant.const import EntityCategory
from homeassistant.helpers.device_registry import DeviceInfo

from .const import DOMAIN

if TYPE_CHECKING:
    from homeassistant.core import HomeAssistant
    from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

    from .coordinator import OverkizBatchConfigEntry, OverkizBatchCoordinator

# The sensor only reads the queue; nothing to limit.
PARALLEL_UPDATES = 0


async def async_setup_entry(
    hass: HomeAssistant,
    entry: OverkizBatchConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Add the gateway's pending actions sensor."""
    async_add_entities([PendingActionsSensor(entry.runtime_data)])


class PendingActionsSensor(SensorEntity):
    """Actions queued but not yet accepted by the gateway.

    Updated by the coordinator when actions enter or leave the queue, not polled.
    """

    _attr_has_entity_name = True
    _attr_translation_key = "pending_actions"
    _attr_entity_category = EntityCategory.DIAGNOSTIC
    _attr_state_class = SensorStateClass.MEASUREMENT
    _attr_should_poll = False

    def __init__(self, coordinator: OverkizBatchCoordinator) -> None:
        """Attach the sensor to the gateway's device."""
        self.coordinator = coordinator
        self._attr_unique_id = f"{coordinator.gateway_id}_pending_actions"
        self._attr_device_info = DeviceInfo(
            identifiers={(DOMAIN, coordinator.gateway_id)}
        )

    @property
    def native_value(self) -> int:
        """Return the number of actions waiting."""
        return self.coordinator.commands.get_pending_actions_count()

    async def async_added_to_hass(self) -> None:
        """Follow the queue."""
        self.async_on_remove(
            self.coordinator.commands.async_add_pending_listener(
                self.async_write_ha_state
            )
        )
