"""Sensors: every device reading the descriptions know, and the queue's backlog."""

from __future__ import annotations

from typing import TYPE_CHECKING, Final

from homeassistant.components.sensor import (
    SensorEntity,
    SensorStateClass,
)
from homeassistant.const import EntityCategory
from homeassistant.helpers.device_registry import DeviceInfo
from homeassistant.helpers.entity import Entity

from .binary_sensor_descriptions import BINARY_SENSOR_DESCRIPTIONS
from .const import DOMAIN
from .devices import base_device_url, main_part
from .entity import OverkizBatchEntity, async_add_device_entities
from .readings import measured_unit
from .sensor_descriptions import (
    HOMEKIT_SETUP_CODE,
    HOMEKIT_STACK,
    SENSOR_DESCRIPTIONS,
    OverkizSensorDescription,
)

if TYPE_CHECKING:
    from collections.abc import Iterator

    from homeassistant.core import HomeAssistant
    from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback
    from homeassistant.helpers.typing import StateType, UndefinedType
    from pyoverkiz.models import Device

    from .coordinator import OverkizBatchConfigEntry, OverkizBatchCoordinator

# Sensors only read what the coordinator already has; nothing to limit.
PARALLEL_UPDATES = 0

# Gateways and their protocol stacks: the gateway's own device stands for them.
NOT_DEVICES = frozenset({"ProtocolGateway", "Pod"})

# The states that are a sensor device's main feature, and the devices' kinds.
MAIN_READINGS: Final = [
    (d.key, d.main_for) for d in SENSOR_DESCRIPTIONS.values() if d.main_for
] + [(d.key, d.main_for) for d in BINARY_SENSOR_DESCRIPTIONS.values() if d.main_for]


async def async_setup_entry(
    hass: HomeAssistant,
    entry: OverkizBatchConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Add the gateway's pending actions sensor and every device's readings."""
    async_add_entities([PendingActionsSensor(entry.runtime_data)])
    async_add_device_entities(entry, async_add_entities, _sensors_of)


def _sensors_of(
    coordinator: OverkizBatchCoordinator, device: Device
) -> Iterator[SensorEntity]:
    """One sensor per reading of the device (its definition's states)."""
    if str(device.widget) == HOMEKIT_STACK:
        yield HomeKitSetupCodeSensor(coordinator, device.device_url, HOMEKIT_SETUP_CODE)
    if str(device.ui_class) in NOT_DEVICES or str(device.widget) in NOT_DEVICES:
        return
    main = main_reading(coordinator, device)
    for state in device.definition.states:
        if (description := SENSOR_DESCRIPTIONS.get(state)) is not None:
            sensor = OverkizBatchSensor(coordinator, device.device_url, description)
            sensor.name_in_device(coordinator, device, state, main)
            yield sensor


def main_reading(coordinator: OverkizBatchCoordinator, device: Device) -> str | None:
    """Return the state that is a sensor device's main feature, or None.

    The description tables tell it from the device's UI class or widget. Only a
    device's first part stands for the device (a heater's temperature sensor part
    keeps its name), and the first state of the tables wins: a device never has
    two readings bearing its name alone.
    """
    if main_part(coordinator.data, base_device_url(device.device_url)) != (
        device.device_url
    ):
        return None
    kinds = {str(device.ui_class), str(device.widget)}
    for state, main_for in MAIN_READINGS:
        if main_for & kinds and state in device.definition.states:
            return state
    return None


def part_label(
    coordinator: OverkizBatchCoordinator, device: Device, state: str
) -> str | None:
    """Return the part's label when another part of its device has the same reading.

    A ventilation unit has five temperature probes, each a part (``#3``..``#7``)
    with its own label: named by the reading alone, they would all be "Temperature".
    """
    base = base_device_url(device.device_url)
    for other in coordinator.data.values():
        if (
            other.device_url != device.device_url
            and base_device_url(other.device_url) == base
            and state in other.definition.states
        ):
            return device.label
    return None


class PartNamed(Entity):
    """A reading named by its device alone, or after its part when parts repeat it."""

    part_label: str | None = None

    def name_in_device(
        self,
        coordinator: OverkizBatchCoordinator,
        device: Device,
        state: str,
        main: str | None,
    ) -> None:
        """Name the main reading (``main``) by the device; label a repeated part's."""
        if main == state:
            self._attr_name = None  # a temperature sensor's temperature
        else:
            self.part_label = part_label(coordinator, device, state)

    @property
    def name(self) -> str | UndefinedType | None:
        """Return the reading's name, after the part's label where it is needed."""
        name = super().name
        if self.part_label is None or not isinstance(name, str):
            return name
        return f"{self.part_label} {name}"


class OverkizBatchSensor(PartNamed, OverkizBatchEntity, SensorEntity):
    """One reading of a device, updated by the gateway's events."""

    entity_description: OverkizSensorDescription

    def __init__(
        self,
        coordinator: OverkizBatchCoordinator,
        device_url: str,
        description: OverkizSensorDescription,
    ) -> None:
        """Key the sensor on its state, as Home Assistant's overkiz does."""
        super().__init__(coordinator, device_url, description)
        self._attr_unique_id = f"{device_url}-{description.key}"
        self._attr_native_unit_of_measurement = measured_unit(
            coordinator.data[device_url], description
        )

    @property
    def native_value(self) -> StateType:
        """Return the reading (None while the gateway has none)."""
        value = self.state_of(self.entity_description.key)
        if value is None or isinstance(value, dict | list):
            return None
        result = self.entity_description.value_fn(value)
        options = self.entity_description.options
        if options is not None and result not in options:
            return None  # a word the gateway added since: unknown, not an error
        return result


class HomeKitSetupCodeSensor(OverkizBatchSensor):
    """The code that pairs the gateway's HomeKit bridge, shown on the gateway."""

    def __init__(
        self,
        coordinator: OverkizBatchCoordinator,
        device_url: str,
        description: OverkizSensorDescription,
    ) -> None:
        """Show the code on the gateway: the stack is no device of its own."""
        super().__init__(coordinator, device_url, description)
        self._attr_unique_id = device_url
        gateway_id = coordinator.data[device_url].identifier.gateway_id
        self._attr_device_info = DeviceInfo(identifiers={(DOMAIN, gateway_id)})

    @property
    def native_value(self) -> StateType:
        """Return the pairing code (an attribute, not a state)."""
        device = self.coordinator.data.get(self.device_url)
        if device is None:
            return None
        return self.entity_description.value_fn(
            device.attributes.get_value(self.entity_description.key)
        )


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
