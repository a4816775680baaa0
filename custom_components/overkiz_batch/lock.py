"""Locks: motorised door locks."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from homeassistant.components.lock import LockEntity, LockEntityDescription
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
class OverkizLockDescription(LockEntityDescription):
    """Commands and state of one kind of lock."""

    name: str | UndefinedType | None = None  # the device's main feature
    lock_command: str = OverkizCommand.LOCK
    unlock_command: str = OverkizCommand.UNLOCK
    locked_state: str = OverkizState.CORE_LOCKED_UNLOCKED


LOCK_DESCRIPTIONS: dict[str, OverkizLockDescription] = {
    description.key: description
    for description in (OverkizLockDescription(key=UIClass.DOOR_LOCK),)
}


async def async_setup_entry(
    hass: HomeAssistant,
    entry: OverkizBatchConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Add a lock for every door lock, now and when devices appear."""
    async_add_device_entities(entry, async_add_entities, _locks_of)


def _locks_of(
    coordinator: OverkizBatchCoordinator, device: Device
) -> Iterator[OverkizBatchLock]:
    description = LOCK_DESCRIPTIONS.get(str(device.widget)) or LOCK_DESCRIPTIONS.get(
        str(device.ui_class)
    )
    if description is not None and device.supports_command(description.lock_command):
        yield OverkizBatchLock(coordinator, device.device_url, description)


class OverkizBatchLock(OverkizBatchEntity, LockEntity):
    """An Overkiz door lock."""

    entity_description: OverkizLockDescription

    @property
    def is_locked(self) -> bool | None:
        """Return whether the door is locked (what it was told, when stateless)."""
        value = as_str(self.state_of(self.entity_description.locked_state))
        if value is None:
            return self._told
        return value == OverkizCommandParam.LOCKED

    async def async_lock(self, **kwargs: Any) -> None:
        """Lock the door."""
        await self.async_execute_told(
            self.command(self.entity_description.lock_command), True
        )

    async def async_unlock(self, **kwargs: Any) -> None:
        """Unlock the door."""
        await self.async_execute_told(
            self.command(self.entity_description.unlock_command), False
        )
