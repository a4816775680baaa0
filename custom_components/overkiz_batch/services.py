"""Services: flush a gateway's queue, run a raw command on devices."""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING, Any

from homeassistant.components.cover import (
    ATTR_POSITION,
    ATTR_TILT_POSITION,
    DOMAIN as COVER_DOMAIN,
    CoverEntityFeature,
)
from homeassistant.const import ATTR_CONFIG_ENTRY_ID, ATTR_DEVICE_ID, ATTR_ENTITY_ID
from homeassistant.core import (
    HomeAssistant,
    ServiceCall,
    ServiceResponse,
    SupportsResponse,
    callback,
)
from homeassistant.helpers import (
    config_validation as cv,
    device_registry as dr,
    service as service_helper,
)
from homeassistant.helpers.entity_platform import DATA_DOMAIN_PLATFORM_ENTITIES
from homeassistant.helpers.service import async_get_config_entry
import probatio
from pyoverkiz.models import Command

from .const import (
    ATTR_COMMAND,
    ATTR_DEVICE_URL,
    ATTR_EXEC_ID,
    ATTR_EXEC_IDS,
    ATTR_PARAMETERS,
    DOMAIN,
    SERVICE_EXECUTE_COMMAND,
    SERVICE_FLUSH_QUEUE,
    SERVICE_SET_COVER_POSITION_AND_TILT,
)
from .devices import main_part
from .entity import OverkizBatchEntity
from .validation import check_command, validation_error

if TYPE_CHECKING:
    from .coordinator import OverkizBatchConfigEntry, OverkizBatchCoordinator

FLUSH_QUEUE_SCHEMA = probatio.Schema(
    {probatio.Optional(ATTR_CONFIG_ENTRY_ID): cv.string}
)

# Targets (entities, devices) as entity services take them, or a device URL:
# not an entity service schema, which would require a target.
_PERCENT = probatio.All(probatio.Coerce(int), probatio.Range(min=0, max=100))
POSITION_AND_TILT_FIELDS: dict[str | probatio.Marker, Any] = {
    probatio.Required(ATTR_POSITION): _PERCENT,
    probatio.Required(ATTR_TILT_POSITION): _PERCENT,
}

EXECUTE_COMMAND_SCHEMA = probatio.Schema(
    {
        **cv.ENTITY_SERVICE_FIELDS,
        probatio.Optional(ATTR_DEVICE_URL): cv.string,
        probatio.Required(ATTR_COMMAND): cv.string,
        probatio.Optional(ATTR_PARAMETERS, default=list): probatio.All(
            cv.ensure_list, [probatio.Any(str, int, float, bool, dict, list)]
        ),
    }
)


def _loaded_coordinators(hass: HomeAssistant) -> list[OverkizBatchCoordinator]:
    entries: list[OverkizBatchConfigEntry] = hass.config_entries.async_loaded_entries(
        DOMAIN
    )
    return [entry.runtime_data for entry in entries]


def _entity_url(hass: HomeAssistant, entity_id: str) -> tuple[str, str]:
    """Return the device URL an entity drives, and the entity id."""
    platforms = hass.data.get(DATA_DOMAIN_PLATFORM_ENTITIES, {})
    entity = platforms.get((entity_id.partition(".")[0], DOMAIN), {}).get(entity_id)
    if not isinstance(entity, OverkizBatchEntity):
        raise validation_error("unknown_entity", entity_id=entity_id)
    return entity.device_url, entity_id


def _device_url(hass: HomeAssistant, device_id: str) -> str:
    """Return the device URL of a device registry id (its main part)."""
    device = dr.async_get(hass).async_get(device_id)
    for domain, identifier in device.identifiers if device else ():
        if domain == DOMAIN and "://" in identifier:
            for coordinator in _loaded_coordinators(hass):
                if (url := main_part(coordinator.data, identifier)) is not None:
                    return url
            return identifier
    raise validation_error("unknown_device", device=device_id)


def _targets(call: ServiceCall) -> dict[str, str | None]:
    """Return the targeted device URLs, each with the entity that named it."""
    hass = call.hass
    named = [call.data.get(k) for k in (ATTR_DEVICE_ID, ATTR_ENTITY_ID)]
    if ATTR_DEVICE_URL in call.data:
        if any(named):
            raise validation_error("one_target")
        if not (url := call.data[ATTR_DEVICE_URL].strip()):
            raise validation_error("empty_device_url")
        return {url: None}
    device_ids, entity_ids = named
    if isinstance(device_ids, str) or isinstance(entity_ids, str):
        raise validation_error("no_target")  # "all" or "none": name them
    targets: dict[str, str | None] = {}
    for device_id in device_ids or []:
        targets.setdefault(_device_url(hass, device_id), None)
    for entity_id in entity_ids or []:
        url, entity = _entity_url(hass, entity_id)
        targets[url] = entity
    if not targets:
        raise validation_error("no_target")
    return targets


def _coordinator_of(hass: HomeAssistant, device_url: str) -> OverkizBatchCoordinator:
    for coordinator in _loaded_coordinators(hass):
        if device_url in coordinator.data:
            return coordinator
    raise validation_error("unknown_device", device=device_url)


async def _async_execute_command(call: ServiceCall) -> ServiceResponse:
    """Run one raw command on each target, through its device's guard.

    Each device is checked before any is queued, so a bad target sends nothing.
    Every target goes the way an entity's command goes (commands.py).
    """
    hass = call.hass
    command = Command(
        name=call.data[ATTR_COMMAND], parameters=call.data[ATTR_PARAMETERS]
    )
    runs = []
    for url, entity_id in _targets(call).items():
        coordinator = _coordinator_of(hass, url)
        check_command(coordinator.data[url], command)
        runs.append((url, coordinator, entity_id))
    exec_ids = await asyncio.gather(
        *(
            coordinator.commands.async_execute_raw(url, command, entity_id)
            for url, coordinator, entity_id in runs
        )
    )
    if len(runs) == 1:
        return {ATTR_EXEC_ID: exec_ids[0]}
    return {
        ATTR_EXEC_IDS: {
            url: exec_id for (url, _, _), exec_id in zip(runs, exec_ids, strict=True)
        }
    }


async def _async_flush_queue(call: ServiceCall) -> None:
    """Send the queued actions of one gateway, or of all, now."""
    if (entry_id := call.data.get(ATTR_CONFIG_ENTRY_ID)) is not None:
        entry: OverkizBatchConfigEntry = async_get_config_entry(
            call.hass, DOMAIN, entry_id
        )
        coordinators = [entry.runtime_data]
    else:
        coordinators = _loaded_coordinators(call.hass)
    for coordinator in coordinators:
        await coordinator.commands.flush_action_queue()


@callback
def async_setup_services(hass: HomeAssistant) -> None:
    """Register the integration's services.

    ``execute_command`` takes entity and device targets the way entity services
    do, but resolves them itself: its entities span every platform (a platform
    entity service serves one), a device with several entities must run the
    command once, and a bare device URL needs no entity at all.
    """
    hass.services.async_register(
        DOMAIN, SERVICE_FLUSH_QUEUE, _async_flush_queue, schema=FLUSH_QUEUE_SCHEMA
    )
    hass.services.async_register(
        DOMAIN,
        SERVICE_EXECUTE_COMMAND,
        _async_execute_command,
        schema=EXECUTE_COMMAND_SCHEMA,
        supports_response=SupportsResponse.OPTIONAL,
    )
    # Covers move and orient their slats in one command where they can.
    service_helper.async_register_platform_entity_service(
        hass,
        DOMAIN,
        SERVICE_SET_COVER_POSITION_AND_TILT,
        entity_domain=COVER_DOMAIN,
        schema=POSITION_AND_TILT_FIELDS,
        func="async_set_cover_position_and_tilt",
        required_features=[
            CoverEntityFeature.SET_POSITION | CoverEntityFeature.SET_TILT_POSITION
        ],
    )
