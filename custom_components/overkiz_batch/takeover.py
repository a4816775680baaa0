"""Take a gateway over from Home Assistant's own overkiz integration, and give it back.

Entities that both integrations create carry the same unique id (the overkiz
scheme), so a take-over moves each of those registry entries, with its entity
id, name, icon, area, labels and disabled or hidden state, from the overkiz
entry to ours, and its device with it (same device id, area and name). The
overkiz entry is then disabled, not deleted: removing our entry gives
everything back and enables it again. Only the registries' own primitives are
used, never their storage.
"""

from __future__ import annotations

from dataclasses import dataclass
import logging
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

from homeassistant.config_entries import (
    SOURCE_USER,
    ConfigEntry,
    ConfigEntryDisabler,
    ConfigEntryState,
)
from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers import device_registry as dr, entity_registry as er
from homeassistant.helpers.importlib import async_import_module
from homeassistant.helpers.update_coordinator import DataUpdateCoordinator

from .client import create_client
from .const import CONF_GATEWAY_ID, DOMAIN, PLATFORMS
from .coordinator import OverkizBatchCoordinator
from .devices import base_device_url

if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping

    from homeassistant.helpers.entity import Entity
    from pyoverkiz.client import OverkizClient
    from pyoverkiz.models import Setup

_LOGGER = logging.getLogger(__name__)

CORE_DOMAIN = "overkiz"

# Entry data: the overkiz entry to take over at the next setup.
CONF_TAKE_OVER = "take_over"
# Entry data: what was taken over, for the way back.
CONF_TAKEN_OVER = "taken_over"

type EntityKey = tuple[str, str]  # (entity domain, unique id)


@dataclass(frozen=True)
class Ours:
    """What this integration creates for a gateway."""

    gateway_id: str
    entities: frozenset[EntityKey]
    devices: frozenset[str]  # device identifiers: base device URLs, gateway id


@dataclass(frozen=True)
class Plan:
    """What a take-over does with the overkiz entry's registry entries."""

    moves: tuple[er.RegistryEntry, ...]  # entities we create too
    stays: tuple[er.RegistryEntry, ...]  # entities of the gateway we do not create
    devices: tuple[dr.DeviceEntry, ...]  # devices we register too
    others: tuple[er.RegistryEntry, ...]  # entities of the account's other gateways
    other_gateways: tuple[str, ...]  # the account's gateways overkiz still runs


@callback
def core_entry(hass: HomeAssistant, gateway_id: str | None) -> ConfigEntry | None:
    """Return the overkiz entry that runs this gateway, if there is one.

    overkiz has one entry per account, named after its first gateway, and
    registers every gateway of the account as a device of that entry.
    """
    if gateway_id is None:
        return None
    entries = hass.config_entries.async_entries(CORE_DOMAIN, include_ignore=False)
    dev_reg = dr.async_get(hass)
    return next(
        (entry for entry in entries if entry.unique_id == gateway_id),
        next(
            (
                entry
                for entry in entries
                if dev_reg.async_get_device_by_identifier(
                    (CORE_DOMAIN, gateway_id), entry.entry_id
                )
            ),
            None,
        ),
    )


async def async_ours(
    hass: HomeAssistant, data: Mapping[str, Any], client: OverkizClient, setup: Setup
) -> Ours:
    """Return the entities and devices we would create for this setup.

    A dry run of every platform on a coordinator that is never started: the
    entities are built, their unique ids read, and nothing is added.
    """
    entry: ConfigEntry[OverkizBatchCoordinator] = ConfigEntry(
        data=data,
        discovery_keys=MappingProxyType({}),
        domain=DOMAIN,
        minor_version=1,
        options={},
        source=SOURCE_USER,
        subentries_data=None,
        title="",
        unique_id=data[CONF_GATEWAY_ID],
        version=1,
    )
    coordinator = OverkizBatchCoordinator(hass, entry, client, setup)
    entry.runtime_data = coordinator
    await coordinator.scenarios.async_refresh()  # what the scene platform reads
    keys: set[EntityKey] = set()
    for platform in PLATFORMS:
        module = await async_import_module(hass, f"{__package__}.{platform}")

        def collect(
            entities: Iterable[Entity],
            update_before_add: bool = False,
            *,
            config_subentry_id: str | None = None,
            domain: str = str(platform),
        ) -> None:
            keys.update((domain, e.unique_id) for e in entities if e.unique_id)

        try:
            await module.async_setup_entry(hass, entry, collect)
        except Exception:  # its entities then stay with overkiz, none is lost
            _LOGGER.exception("The %s platform could not plan the take-over", platform)
    # A platform may have started the polling timer. The base class's shutdown
    # only stops timers; the client may be the one the real setup goes on with.
    await DataUpdateCoordinator.async_shutdown(coordinator)
    devices = {base_device_url(url) for url in coordinator.data}
    return Ours(
        coordinator.gateway_id,
        frozenset(keys),
        frozenset({*devices, coordinator.gateway_id}),
    )


async def async_ours_online(hass: HomeAssistant, data: Mapping[str, Any]) -> Ours:
    """Log in with entry data, read the setup and return what we would create."""
    client = create_client(hass, data)
    try:
        await client.login(register_event_listener=False)
        setup = await client.get_setup()
        return await async_ours(hass, data, client, setup)
    finally:
        client.session.detach()


def identifier_of(
    device: dr.DeviceEntry | dr.ChildDeviceEntry, domain: str
) -> str | None:
    """Return the device's identifier in ``domain``: a device URL or gateway id."""
    return next((value for key, value in device.identifiers if key == domain), None)


def _gateway_of(identifier: str, ours: Ours) -> str:
    """Return the gateway a device identifier or a device URL belongs to.

    Device URLs name their gateway (``io://<gateway id>/...``); a gateway's own
    device is its id. What we register for this gateway is ours whatever it
    names (a device of an unknown gateway belongs to the account's first).
    """
    if "://" not in identifier:
        return identifier
    if base_device_url(identifier) in ours.devices:
        return ours.gateway_id
    return identifier.split("/")[2]


@callback
def plan(hass: HomeAssistant, core: ConfigEntry, ours: Ours) -> Plan:
    """Sort the overkiz entry's entities and devices into those that move or stay.

    What does not move is this gateway's, or another gateway's of the account:
    those stay unavailable with the disabled entry until their gateway moves.
    """
    entities = er.async_entries_for_config_entry(er.async_get(hass), core.entry_id)
    devices = dr.async_entries_for_config_entry(dr.async_get(hass), core.entry_id)
    gateway_of_device = {
        d.id: _gateway_of(identifier, ours)
        for d in devices
        if (identifier := identifier_of(d, CORE_DOMAIN))
    }
    moves: list[er.RegistryEntry] = []
    stays: list[er.RegistryEntry] = []
    others: list[er.RegistryEntry] = []
    for entity in entities:
        if (entity.domain, entity.unique_id) in ours.entities:
            moves.append(entity)
            continue
        gateway = gateway_of_device.get(entity.device_id or "")
        if gateway is None and "://" in entity.unique_id:
            gateway = _gateway_of(entity.unique_id, ours)
        (stays if gateway in (None, ours.gateway_id) else others).append(entity)
    return Plan(
        moves=tuple(moves),
        stays=tuple(stays),
        devices=tuple(
            d for d in devices if identifier_of(d, CORE_DOMAIN) in ours.devices
        ),
        others=tuple(others),
        other_gateways=tuple(
            sorted(set(gateway_of_device.values()) - {ours.gateway_id})
        ),
    )


def plan_step(step_id: str, the_plan: Plan) -> str:
    """Return the confirmation step: ``<step_id>_account`` if others go too."""
    return f"{step_id}_account" if the_plan.other_gateways else step_id


def plan_placeholders(the_plan: Plan, core: ConfigEntry) -> dict[str, str]:
    """Describe a plan for the confirmation: counts and what stays behind."""
    by_domain: dict[str, list[str]] = {}
    for entity in sorted(the_plan.stays, key=lambda e: e.entity_id):
        by_domain.setdefault(entity.domain, []).append(entity.entity_id)
    return {
        "title": core.title,
        "moves": str(len(the_plan.moves)),
        "devices": str(len(the_plan.devices)),
        "stay_count": str(len(the_plan.stays)),
        "stays": "\n".join(
            f"- {domain} ({len(ids)}): {', '.join(ids)}"
            for domain, ids in sorted(by_domain.items())
        )
        or "-",
        "other_gateways": ", ".join(the_plan.other_gateways),
        "other_count": str(len(the_plan.others)),
    }


@callback
def _async_move_to_ours(
    hass: HomeAssistant, entry: ConfigEntry, the_plan: Plan
) -> dict[str, Any]:
    """Move the plan's entities and devices to our entry; return what moved.

    Both entries must be unloaded. Where both integrations already have the
    same entity or device (they ran side by side), the older one is kept: the
    one automations were written against.
    """
    ent_reg = er.async_get(hass)
    dev_reg = dr.async_get(hass)
    moving_devices = {d.id for d in the_plan.devices}
    # A device moved to another entry takes the old entry's entities on it
    # away with it: what stays is detached first, and attached again on return.
    detached: dict[str, str] = {}
    for stay in the_plan.stays:
        if stay.device_id in moving_devices:
            detached[stay.entity_id] = stay.device_id
            ent_reg.async_update_entity(stay.entity_id, device_id=None)
    moved: list[str] = []
    for theirs in the_plan.moves:
        mine_id = ent_reg.async_get_entity_id(theirs.domain, DOMAIN, theirs.unique_id)
        if (mine := ent_reg.async_get(mine_id or "")) is not None:
            if mine.created_at <= theirs.created_at:
                ent_reg.async_remove(theirs.entity_id)
                continue
            ent_reg.async_remove(mine.entity_id)
        ent_reg.async_update_entity_platform(
            theirs.entity_id, DOMAIN, new_config_entry_id=entry.entry_id
        )
        if theirs.disabled_by is er.RegistryEntryDisabler.CONFIG_ENTRY:
            ent_reg.async_update_entity(theirs.entity_id, disabled_by=None)
        moved.append(theirs.entity_id)
    devices: list[str] = []
    for device in the_plan.devices:
        identifier = (DOMAIN, identifier_of(device, CORE_DOMAIN) or "")
        mine_device = dev_reg.async_get_device_by_identifier(identifier, entry.entry_id)
        if mine_device is not None:
            if mine_device.created_at <= device.created_at:
                continue
            dev_reg.async_remove_device(mine_device.id)
        dev_reg.async_update_device(
            device.id, new_config_entry_id=entry.entry_id, new_identifiers={identifier}
        )
        devices.append(device.id)
    return {"entities": moved, "devices": devices, "detached": detached}


def _record(
    core: ConfigEntry, before: Mapping[str, Any] | None, moved: dict[str, Any]
) -> dict[str, Any]:
    """Return what was taken over from ``core`` so far, for the way back."""
    if not before or before.get("entry_id") != core.entry_id:
        before = {}
    return {
        "entry_id": core.entry_id,
        "entities": [*before.get("entities", []), *moved["entities"]],
        "devices": [*before.get("devices", []), *moved["devices"]],
        "detached": {**before.get("detached", {}), **moved["detached"]},
    }


async def async_take_over_if_asked(
    hass: HomeAssistant, entry: ConfigEntry, client: OverkizClient, setup: Setup
) -> None:
    """Take the overkiz entry over, when the entry asks for it, before our setup.

    Runs before our devices and entities are registered: they then find the
    moved registry entries by unique id and keep their entity ids. After a
    take-over, each setup also takes what the disabled overkiz entry still
    holds and we now create too (a platform added by an update).
    """
    if (core_id := entry.data.get(CONF_TAKE_OVER)) is None:
        await _async_take_over_more(hass, entry, client, setup)
        return
    data = {k: v for k, v in entry.data.items() if k != CONF_TAKE_OVER}
    core = hass.config_entries.async_get_entry(core_id)
    if core is not None and core.domain == CORE_DOMAIN:
        if core.state is not ConfigEntryState.NOT_LOADED and not (
            core.state.recoverable
            and await hass.config_entries.async_unload(core.entry_id)
        ):
            _LOGGER.warning(
                "%s could not be unloaded; it is not taken over", core.title
            )
            hass.config_entries.async_update_entry(entry, data=data)
            return
        ours = await async_ours(hass, entry.data, client, setup)
        moved = _async_move_to_ours(hass, entry, plan(hass, core, ours))
        data[CONF_TAKEN_OVER] = _record(core, entry.data.get(CONF_TAKEN_OVER), moved)
        await hass.config_entries.async_set_disabled_by(
            core.entry_id, ConfigEntryDisabler.USER
        )
    hass.config_entries.async_update_entry(entry, data=data)


async def _async_take_over_more(
    hass: HomeAssistant, entry: ConfigEntry, client: OverkizClient, setup: Setup
) -> None:
    """Take what the disabled overkiz entry still has and we now create too."""
    record = entry.data.get(CONF_TAKEN_OVER)
    core = hass.config_entries.async_get_entry(record["entry_id"]) if record else None
    if (
        core is None
        or core.disabled_by is None  # both run: the repair issue asks first
        or not er.async_entries_for_config_entry(er.async_get(hass), core.entry_id)
    ):
        return
    the_plan = plan(hass, core, await async_ours(hass, entry.data, client, setup))
    if not the_plan.moves:
        return
    moved = _async_move_to_ours(hass, entry, the_plan)
    hass.config_entries.async_update_entry(
        entry, data={**entry.data, CONF_TAKEN_OVER: _record(core, record, moved)}
    )
