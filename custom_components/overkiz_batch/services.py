"""Services: flush a gateway's queue, run a raw command on a device."""

from __future__ import annotations

from typing import TYPE_CHECKING

from homeassistant.const import ATTR_CONFIG_ENTRY_ID, ATTR_DEVICE_ID, ATTR_ENTITY_ID
from homeassistant.core import (
    HomeAssistant,
    ServiceCall,
    ServiceResponse,
    SupportsResponse,
    callback,
)
from homeassistant.exceptions import HomeAssistantError, ServiceValidationError
from homeassistant.helpers import config_validation as cv, device_registry as dr
from homeassistant.helpers.service import async_get_config_entry
import probatio
from pyoverkiz.models import Action, Command, Device

from .const import (
    ATTR_COMMAND,
    ATTR_DEVICE_URL,
    ATTR_EXEC_ID,
    ATTR_PARAMETERS,
    DOMAIN,
    SERVICE_EXECUTE_COMMAND,
    SERVICE_FLUSH_QUEUE,
)

if TYPE_CHECKING:
    from .coordinator import OverkizBatchConfigEntry, OverkizBatchCoordinator
    from .entity import OverkizBatchEntity

FLUSH_QUEUE_SCHEMA = probatio.Schema(
    {probatio.Optional(ATTR_CONFIG_ENTRY_ID): cv.string}
)

EXECUTE_COMMAND_SCHEMA = probatio.Schema(
    {
        probatio.Optional(ATTR_ENTITY_ID): cv.entity_id,
        probatio.Optional(ATTR_DEVICE_ID): cv.string,
        probatio.Optional(ATTR_DEVICE_URL): cv.string,
        probatio.Required(ATTR_COMMAND): cv.string,
        probatio.Optional(ATTR_PARAMETERS, default=list): probatio.All(
            cv.ensure_list, [probatio.Any(str, int, float, bool, dict, list)]
        ),
    }
)

TARGETS = (ATTR_ENTITY_ID, ATTR_DEVICE_ID, ATTR_DEVICE_URL)


def _loaded_coordinators(hass: HomeAssistant) -> list[OverkizBatchCoordinator]:
    entries: list[OverkizBatchConfigEntry] = hass.config_entries.async_loaded_entries(
        DOMAIN
    )
    return [entry.runtime_data for entry in entries]


def _validation_error(key: str, **placeholders: str) -> ServiceValidationError:
    return ServiceValidationError(
        translation_domain=DOMAIN,
        translation_key=key,
        translation_placeholders=placeholders or None,
    )


def _find_entity(hass: HomeAssistant, entity_id: str) -> OverkizBatchEntity:
    for coordinator in _loaded_coordinators(hass):
        if (entity := coordinator.entities.get(entity_id)) is not None:
            return entity
    raise _validation_error("unknown_entity", entity_id=entity_id)


def _find_device(
    hass: HomeAssistant, device_url: str
) -> tuple[OverkizBatchCoordinator, Device]:
    for coordinator in _loaded_coordinators(hass):
        if (device := coordinator.data.get(device_url)) is not None:
            return coordinator, device
    raise _validation_error("unknown_device", device=device_url)


def _main_part_url(hass: HomeAssistant, base: str) -> str:
    """Return the URL of the part that runs a device's commands (lowest ``#n``)."""
    for coordinator in _loaded_coordinators(hass):
        if (url := coordinator.main_part(base)) is not None:
            return url
    return base


def _device_url_of(hass: HomeAssistant, device_id: str) -> str:
    """Return the Overkiz device URL of a device registry id (its main part)."""
    device = dr.async_get(hass).async_get(device_id)
    for domain, identifier in device.identifiers if device else ():
        if domain == DOMAIN and "://" in identifier:
            return _main_part_url(hass, identifier)
    raise _validation_error("unknown_device", device=device_id)


def _check_command(device: Device, command: Command) -> None:
    """Refuse a command the device's definition lacks, or with too few parameters.

    The gateway refuses the whole batch such a command joins, so it must not be
    queued. Extra parameters may be optional ones (the definition pyoverkiz gives
    counts only the required ones): the gateway judges those. A definition that
    lists no commands (some setups) tells nothing: the command goes as it is.
    """
    if not device.definition.commands:
        return
    name = str(command.name)
    definition = device.definition.commands.get(name)
    if definition is None:
        raise _validation_error("unknown_command", command=name, device=device.label)
    given = len(command.parameters or [])
    if given < definition.nparams:
        raise _validation_error(
            "missing_parameters",
            command=name,
            nparams=str(definition.nparams),
            given=str(given),
        )


async def _async_execute_command(call: ServiceCall) -> ServiceResponse:
    """Run one raw command, through the entity's guard when an entity is named."""
    hass = call.hass
    targets = [t for t in TARGETS if t in call.data]
    if len(targets) != 1:
        raise _validation_error("one_target")
    command = Command(
        name=call.data[ATTR_COMMAND], parameters=call.data[ATTR_PARAMETERS]
    )
    if ATTR_ENTITY_ID in call.data:
        entity = _find_entity(hass, call.data[ATTR_ENTITY_ID])
        _check_command(entity.device, command)
        exec_id = await entity.async_execute(command)
    else:
        device_url = call.data.get(ATTR_DEVICE_URL) or _device_url_of(
            hass, call.data[ATTR_DEVICE_ID]
        )
        coordinator, device = _find_device(hass, device_url)
        _check_command(device, command)
        try:
            exec_id = await coordinator.execute_action_group(
                [Action(device_url=device_url, commands=[command])]
            )
        except HomeAssistantError:
            raise
        except Exception as err:
            raise coordinator.command_error(err, str(command.name)) from err
    return {ATTR_EXEC_ID: exec_id}


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
        await coordinator.flush_action_queue()


@callback
def async_setup_services(hass: HomeAssistant) -> None:
    """Register the integration's services."""
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
