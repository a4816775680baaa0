"""Binary sensors: detectors (smoke, water, gas, rain, motion), contacts, statuses."""

from __future__ import annotations

from typing import TYPE_CHECKING

from homeassistant.components.binary_sensor import BinarySensorEntity

from .binary_sensor_descriptions import (
    BINARY_SENSOR_DESCRIPTIONS,
    OverkizBinarySensorDescription,
)
from .entity import OverkizBatchEntity, async_add_device_entities
from .sensor import NOT_DEVICES, PartNamed, main_reading

if TYPE_CHECKING:
    from collections.abc import Iterator

    from homeassistant.core import HomeAssistant
    from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback
    from pyoverkiz.models import Device

    from .coordinator import OverkizBatchConfigEntry, OverkizBatchCoordinator

# Binary sensors only read what the coordinator already has; nothing to limit.
PARALLEL_UPDATES = 0


async def async_setup_entry(
    hass: HomeAssistant,
    entry: OverkizBatchConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Add every device's binary sensors, now and when devices appear."""
    async_add_device_entities(entry, async_add_entities, _binary_sensors_of)


def _binary_sensors_of(
    coordinator: OverkizBatchCoordinator, device: Device
) -> Iterator[OverkizBatchBinarySensor]:
    kinds = {str(device.ui_class), str(device.widget)}
    if kinds & NOT_DEVICES:
        return
    main = main_reading(coordinator, device)
    for state in device.definition.states:
        description = BINARY_SENSOR_DESCRIPTIONS.get(state)
        if description is not None and (
            description.ui_classes is None or kinds & description.ui_classes
        ):
            sensor = OverkizBatchBinarySensor(
                coordinator, device.device_url, description
            )
            sensor.name_in_device(coordinator, device, state, main)
            yield sensor


class OverkizBatchBinarySensor(PartNamed, OverkizBatchEntity, BinarySensorEntity):
    """One on/off state of a device, updated by the gateway's events."""

    entity_description: OverkizBinarySensorDescription

    def __init__(
        self,
        coordinator: OverkizBatchCoordinator,
        device_url: str,
        description: OverkizBinarySensorDescription,
    ) -> None:
        """Key the binary sensor on its state, as Home Assistant's overkiz does."""
        super().__init__(coordinator, device_url, description)
        self._attr_unique_id = f"{device_url}-{description.key}"

    @property
    def is_on(self) -> bool | None:
        """Return whether the state means on (None while the gateway has none)."""
        value = self.state_of(self.entity_description.key)
        if value is None:
            return None
        return self.entity_description.is_on_fn(value)
