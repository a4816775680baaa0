"""Fans: ventilation inlets, outlets and transfer units set by air flow."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from homeassistant.components.fan import FanEntity, FanEntityDescription
from homeassistant.components.fan.const import FanEntityFeature
from pyoverkiz.enums import OverkizCommand, OverkizState, UIWidget

from .entity import OverkizBatchEntity, async_add_device_entities
from .states import as_int
from .validation import validation_error

if TYPE_CHECKING:
    from collections.abc import Iterator

    from homeassistant.core import HomeAssistant
    from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback
    from homeassistant.helpers.typing import UndefinedType
    from pyoverkiz.models import Device

    from .coordinator import OverkizBatchConfigEntry, OverkizBatchCoordinator

# The guards govern concurrency, not Home Assistant's semaphore.
PARALLEL_UPDATES = 0


@dataclass(frozen=True, kw_only=True)
class OverkizFanDescription(FanEntityDescription):
    """The air flow state (a percentage) and the command that sets it."""

    name: str | UndefinedType | None = None  # the device's main feature
    flow_state: str
    flow_command: str
    on_command: str = OverkizCommand.ON
    off_command: str = OverkizCommand.OFF


FAN_DESCRIPTIONS: dict[str, OverkizFanDescription] = {
    description.key: description
    for description in (
        OverkizFanDescription(
            key=UIWidget.VENTILATION_INLET,
            flow_state=OverkizState.CORE_AIR_INPUT,
            flow_command=OverkizCommand.SET_AIR_INPUT,
        ),
        OverkizFanDescription(
            key=UIWidget.VENTILATION_OUTLET,
            flow_state=OverkizState.CORE_AIR_OUTPUT,
            flow_command=OverkizCommand.SET_AIR_OUTPUT,
        ),
        OverkizFanDescription(
            key=UIWidget.VENTILATION_TRANSFER,
            flow_state=OverkizState.CORE_AIR_TRANSFER,
            flow_command=OverkizCommand.SET_AIR_TRANSFER,
        ),
    )
}


async def async_setup_entry(
    hass: HomeAssistant,
    entry: OverkizBatchConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Add a fan for every ventilation unit, now and when devices appear."""
    async_add_device_entities(entry, async_add_entities, _fans_of)


def _fans_of(
    coordinator: OverkizBatchCoordinator, device: Device
) -> Iterator[OverkizBatchFan]:
    if (description := FAN_DESCRIPTIONS.get(str(device.widget))) is not None:
        yield OverkizBatchFan(coordinator, device.device_url, description)


class OverkizBatchFan(OverkizBatchEntity, FanEntity):
    """A ventilation unit: its air flow is the fan's speed."""

    entity_description: OverkizFanDescription

    def __init__(
        self,
        coordinator: OverkizBatchCoordinator,
        device_url: str,
        description: OverkizFanDescription,
    ) -> None:
        """Offer speed, on and off as the device's commands allow.

        The unique id is core overkiz's for fans: the device URL and the
        widget, so an entity taken over keeps its id.
        """
        super().__init__(coordinator, device_url, description)
        self._attr_unique_id = f"{device_url}-{description.key}"
        features = FanEntityFeature(0)
        if self.supports(description.flow_command):
            features |= FanEntityFeature.SET_SPEED
        if self.supports(description.on_command):
            features |= FanEntityFeature.TURN_ON
        if self.supports(description.off_command):
            features |= FanEntityFeature.TURN_OFF
        self._attr_supported_features = features

    @property
    def percentage(self) -> int | None:
        """Return the air flow, 0-100 %."""
        return as_int(self.state_of(self.entity_description.flow_state))

    @property
    def is_on(self) -> bool | None:
        """Return whether air flows."""
        flow = self.percentage
        return None if flow is None else flow > 0

    async def async_set_percentage(self, percentage: int) -> None:
        """Set the air flow; 0 turns the unit off."""
        if not isinstance(percentage, int) or not 0 <= percentage <= 100:
            raise validation_error("percentage_out_of_range", percentage=percentage)
        if percentage == 0 and self.supports(self.entity_description.off_command):
            await self.async_turn_off()
            return
        await self.async_execute(
            self.command(self.entity_description.flow_command, percentage)
        )

    async def async_turn_on(
        self,
        percentage: int | None = None,
        preset_mode: str | None = None,
        **kwargs: Any,
    ) -> None:
        """Turn the unit on, at an air flow when given."""
        if percentage is not None:
            await self.async_set_percentage(percentage)
            return
        await self.async_execute(self.command(self.entity_description.on_command))

    async def async_turn_off(self, **kwargs: Any) -> None:
        """Turn the unit off."""
        await self.async_execute(self.command(self.entity_description.off_command))
