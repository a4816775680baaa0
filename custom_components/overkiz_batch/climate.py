"""Heating, cooling and ventilation: every Overkiz family run as climate.

A device is matched by its widget; where one widget covers devices that work
differently, by its controllable name or protocol too. Families whose tables
cannot say everything have an entity class of their own on top of the shared
one.
"""

from __future__ import annotations

from functools import partial
from typing import TYPE_CHECKING

from .climate_atlantic import (
    HEAT_RECOVERY_VENTILATION,
    TOWEL_DRYER,
    TowelDryerClimate,
    VentilationClimate,
)
from .climate_descriptions import CLIMATE_DESCRIPTIONS, OverkizClimateDescription
from .climate_entity import OverkizBatchClimate
from .climate_hitachi import (
    AIR_TO_AIR,
    AIR_TO_WATER_ZONE,
    PROFILES,
    HitachiAirToAirClimate,
    HitachiWaterZoneClimate,
    water_zone_description,
)
from .climate_pass_apc import (
    HEAT_PUMP,
    HEATING_ZONE,
    ZONE_CONTROL,
    HeatingZoneClimate,
    ZoneControlClimate,
)
from .climate_pass_apc_zones import ZoneControlZoneClimate
from .climate_somfy import SOMFY_THERMOSTAT, SomfyThermostatClimate
from .climate_thermostats import (
    EVOHOME,
    SOMFY_HEATING_INTERFACE,
    EvoHomeClimate,
    SomfyHeatingInterfaceClimate,
)
from .entity import async_add_device_entities

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator

    from homeassistant.core import HomeAssistant
    from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback
    from pyoverkiz.models import Device

    from .coordinator import OverkizBatchConfigEntry, OverkizBatchCoordinator

# The guards govern concurrency, not Home Assistant's semaphore.
PARALLEL_UPDATES = 0

type EntityClass = Callable[
    [OverkizBatchCoordinator, str, OverkizClimateDescription], OverkizBatchClimate
]
type Family = tuple[EntityClass, OverkizClimateDescription]

FAMILIES: dict[str, Family] = {
    **{key: (OverkizBatchClimate, d) for key, d in CLIMATE_DESCRIPTIONS.items()},
    TOWEL_DRYER.key: (TowelDryerClimate, TOWEL_DRYER),
    HEAT_RECOVERY_VENTILATION.key: (VentilationClimate, HEAT_RECOVERY_VENTILATION),
    SOMFY_THERMOSTAT.key: (SomfyThermostatClimate, SOMFY_THERMOSTAT),
    SOMFY_HEATING_INTERFACE.key: (
        SomfyHeatingInterfaceClimate,
        SOMFY_HEATING_INTERFACE,
    ),
    EVOHOME.key: (EvoHomeClimate, EVOHOME),
    HEAT_PUMP.key: (OverkizBatchClimate, HEAT_PUMP),
    ZONE_CONTROL.key: (ZoneControlClimate, ZONE_CONTROL),
    HEATING_ZONE.key: (HeatingZoneClimate, HEATING_ZONE),
}

# One widget, two kinds of zone: standalone, or run by a zone control.
HEATING_AND_COOLING_ZONE = "AtlanticPassAPCHeatingAndCoolingZone"
ZONES_BY_CONTROLLABLE: dict[str, Family] = {
    "io:AtlanticPassAPCHeatingAndCoolingZoneComponent": (
        HeatingZoneClimate,
        HEATING_ZONE,
    ),
    "io:AtlanticPassAPCZoneControlZoneComponent": (
        ZoneControlZoneClimate,
        HEATING_ZONE,
    ),
}


def family_of(device: Device) -> Family | None:
    """Return how to run the device as climate, or None."""
    widget = str(device.widget)
    if widget == HEATING_AND_COOLING_ZONE:
        return ZONES_BY_CONTROLLABLE.get(device.controllable_name)
    if widget == AIR_TO_AIR.key:
        profile = PROFILES.get(str(device.identifier.protocol))
        if profile is None:
            return None
        return partial(HitachiAirToAirClimate, profile=profile), AIR_TO_AIR
    if widget == AIR_TO_WATER_ZONE.key:
        return HitachiWaterZoneClimate, water_zone_description(device.controllable_name)
    return FAMILIES.get(widget)


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
    if (family := family_of(device)) is not None:
        entity_class, description = family
        yield entity_class(coordinator, device.device_url, description)
