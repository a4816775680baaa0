"""Sirens: IO sirens, rung for a duration."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from homeassistant.components.siren import SirenEntity, SirenEntityDescription
from homeassistant.components.siren.const import (
    ATTR_DURATION,
    ATTR_VOLUME_LEVEL,
    SirenEntityFeature,
)
from pyoverkiz.enums import OverkizCommand, OverkizCommandParam, OverkizState, UIClass

from .entity import OverkizBatchEntity, async_add_device_entities
from .states import as_float, as_str
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

# How long a siren rings when no duration is given, and the longest it may
# (the ring commands take 100 to 204,600 milliseconds).
DEFAULT_DURATION = 120  # seconds
MAX_DURATION = 204  # seconds

# A volume level above this rings at the highest volume, at or below it at
# the standard one; without a level the siren rings at its memorised volume.
LOUD_ABOVE = 0.5


@dataclass(frozen=True, kw_only=True)
class OverkizSirenDescription(SirenEntityDescription):
    """Commands and state of one kind of siren.

    ``ring_command`` takes the duration in milliseconds, then ``ring_args``
    (the sound pattern, 0-100, and how often it repeats), then the volume.
    """

    name: str | UndefinedType | None = None  # the device's main feature
    ring_command: str = OverkizCommand.RING_WITH_SINGLE_SIMPLE_SEQUENCE
    # The pattern and repetitions the vendor's app sends for an intrusion.
    ring_args: tuple[Any, ...] = (75, 2)
    off_command: str = OverkizCommand.OFF
    on_off_state: str = OverkizState.CORE_ON_OFF


SIREN_DESCRIPTIONS: dict[str, OverkizSirenDescription] = {
    description.key: description
    for description in (OverkizSirenDescription(key=UIClass.SIREN),)
}


async def async_setup_entry(
    hass: HomeAssistant,
    entry: OverkizBatchConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Add a siren for every device that can ring, now and when devices appear."""
    async_add_device_entities(entry, async_add_entities, _sirens_of)


def _sirens_of(
    coordinator: OverkizBatchCoordinator, device: Device
) -> Iterator[OverkizBatchSiren]:
    description = SIREN_DESCRIPTIONS.get(str(device.widget)) or SIREN_DESCRIPTIONS.get(
        str(device.ui_class)
    )
    if description is not None and device.supports_command(description.ring_command):
        yield OverkizBatchSiren(coordinator, device.device_url, description)


class OverkizBatchSiren(OverkizBatchEntity, SirenEntity):
    """An Overkiz siren."""

    entity_description: OverkizSirenDescription
    _attr_supported_features = (
        SirenEntityFeature.TURN_ON
        | SirenEntityFeature.TURN_OFF
        | SirenEntityFeature.DURATION
        | SirenEntityFeature.VOLUME_SET
    )

    @property
    def is_on(self) -> bool | None:
        """Return whether the siren rings."""
        value = as_str(self.state_of(self.entity_description.on_off_state))
        return None if value is None else value == OverkizCommandParam.ON

    async def async_turn_on(self, **kwargs: Any) -> None:
        """Ring for the given duration (two minutes when none is given)."""
        duration = kwargs.get(ATTR_DURATION)
        seconds = DEFAULT_DURATION if duration is None else as_float(duration)
        if seconds is None or not 0 < seconds <= MAX_DURATION:
            raise validation_error(
                "duration_out_of_range", duration=duration, max_duration=MAX_DURATION
            )
        level = kwargs.get(ATTR_VOLUME_LEVEL)
        if level is None:
            volume = OverkizCommandParam.MEMORIZED_VOLUME
        elif level > LOUD_ABOVE:
            volume = OverkizCommandParam.HIGHEST
        else:
            volume = OverkizCommandParam.STANDARD
        desc = self.entity_description
        await self.async_execute(
            self.command(
                desc.ring_command, round(seconds * 1000), *desc.ring_args, volume
            )
        )

    async def async_turn_off(self, **kwargs: Any) -> None:
        """Stop ringing."""
        await self.async_execute(self.command(self.entity_description.off_command))
