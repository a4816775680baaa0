"""Switches: IO on/off plugs and receivers, RTS on/off receivers (no state)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from homeassistant.components.switch import SwitchEntity, SwitchEntityDescription
from homeassistant.components.switch.const import SwitchDeviceClass
from pyoverkiz.enums import OverkizCommand, OverkizCommandParam, OverkizState, UIClass

from .entity import OverkizBatchEntity, async_add_device_entities
from .states import as_str

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
class OverkizSwitchDescription(SwitchEntityDescription):
    """Commands and state of one kind of switch."""

    name: str | UndefinedType | None = None  # the device's main feature
    on_command: str = OverkizCommand.ON
    off_command: str = OverkizCommand.OFF
    on_off_state: str | None = OverkizState.CORE_ON_OFF


SWITCH_DESCRIPTIONS: dict[str, OverkizSwitchDescription] = {
    description.key: description
    for description in (
        # RTS receivers have the UI class too; without states they are assumed.
        OverkizSwitchDescription(
            key=UIClass.ON_OFF, device_class=SwitchDeviceClass.OUTLET
        ),
    )
}


async def async_setup_entry(
    hass: HomeAssistant,
    entry: OverkizBatchConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Add a switch for every on/off device, now and when devices appear."""
    async_add_device_entities(entry, async_add_entities, _switches_of)


def _switches_of(
    coordinator: OverkizBatchCoordinator, device: Device
) -> Iterator[OverkizBatchSwitch]:
    description = SWITCH_DESCRIPTIONS.get(
        str(device.widget)
    ) or SWITCH_DESCRIPTIONS.get(str(device.ui_class))
    if description is not None and device.supports_command(description.on_command):
        yield OverkizBatchSwitch(coordinator, device.device_url, description)


class OverkizBatchSwitch(OverkizBatchEntity, SwitchEntity):
    """An Overkiz on/off device."""

    entity_description: OverkizSwitchDescription

    def __init__(
        self,
        coordinator: OverkizBatchCoordinator,
        device_url: str,
        description: OverkizSwitchDescription,
    ) -> None:
        """Known as ``URL-key``, as overkiz knows its switches."""
        super().__init__(coordinator, device_url, description)
        self._attr_unique_id = f"{device_url}-{description.key}"

    @property
    def is_on(self) -> bool | None:
        """Return whether the device is on (what it was told, when stateless)."""
        value = as_str(self.state_of(self.entity_description.on_off_state))
        if value is None:
            return self._told
        return value == OverkizCommandParam.ON

    async def _async_switch(self, command: str, on: bool) -> None:
        await self.async_execute_told(self.command(command), on)

    async def async_turn_on(self, **kwargs: Any) -> None:
        """Turn the device on."""
        await self._async_switch(self.entity_description.on_command, True)

    async def async_turn_off(self, **kwargs: Any) -> None:
        """Turn the device off."""
        await self._async_switch(self.entity_description.off_command, False)
