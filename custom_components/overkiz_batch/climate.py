"""Heating and ventilation: every Overkiz family Home Assistant can run as climate.

A device is matched by its widget; families whose tables cannot say everything
have an entity class of their own on top of the shared one.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .climate_atlantic import (
    HEAT_RECOVERY_VENTILATION,
    TOWEL_DRYER,
    TowelDryerClimate,
    VentilationClimate,
)
from .climate_descriptions import CLIMATE_DESCRIPTIONS, OverkizClimateDescription
from .climate_entity import OverkizBatchClimate
from .climate_somfy import SOMFY_THERMOSTAT, SomfyThermostatClimate
from .entity import async_add_device_entities

if TYPE_CHECKING:
    from collections.abc import Iterator

    from homeassistant.core import HomeAssistant
    from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback
    from pyoverkiz.models import Device

    from .coordinator import OverkizBatchConfigEntry, OverkizBatchCoordinator

# The guards govern concurrency, not Home Assistant's semaphore.
PARALLEL_UPDATES = 0

type Family = tuple[type[OverkizBatchClimate], OverkizClimateDescription]

FAMILIES: dict[str, Family] = {
    **{key: (OverkizBatchClimate, d) for key, d in CLIMATE_DESCRIPTIONS.items()},
    TOWEL_DRYER.key: (TowelDryerClimate, TOWEL_DRYER),
    HEAT_RECOVERY_VENTILATION.key: (VentilationClimate, HEAT_RECOVERY_VENTILATION),
    SOMFY_THERMOSTAT.key: (SomfyThermostatClimate, SOMFY_THERMOSTAT),
}


async def async_setup_entry(
    hass: HomeAssistant,
    entry: OverkizBatchConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Add a climate entity for every supported device, now and when one appears."""
    async_add_device_entities(entry, async_add_entities, _climates_of)


def _climates_of(
    coordinator: OverkizBatchCoordinator, device: Device
) -> Iterator[OverkizBatchClimate]:
    if (family := FAMILIES.get(str(device.widget))) is not None:
        entity_class, description = family
        yield entity_class(coordinator, device.device_url, description)
