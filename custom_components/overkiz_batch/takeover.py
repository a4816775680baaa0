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

    entities: frozenset[EntityKey]
    devices: frozenset[str]  # device identifiers: base device URLs, gateway id


@dataclass(frozen=True)
class Plan:
    """What a take-over does with the overkiz entry's registry entries."""

    moves: tuple[er.RegistryEntry, ...]  # entities we create too
    stays: tuple[er.RegistryEntry, ...]  # entities we do not create
    devices: tuple[dr.DeviceEntry, ...]  # devices we register too


@callback
def core_entry(hass: HomeAssistant, gateway_id: str | None) -> ConfigEntry | None:
    """Return the overkiz entry of this gateway, if there is one."""
    if gateway_id is None:
        return None
    return next(
        (
            entry
            for entry in hass.config_entries.async_entries(
                CORE_DOMAIN, include_ignore=False
            )
            if entry.unique_id == gateway_id
        ),
        None,
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
    return Ours(frozenset(keys), frozenset({*devices, coordinator.gateway_id}))


async def async_ours_online(hass: HomeAssistant, data: Mapping[str, Any]) -> Ours:
    """Log in with entry data, read the setup and return what we would create."""
    client = create_client(hass, data)
    try:
        await client.login(register_event_listener=False)
        setup = await client.get_setup()
        return await async_ours(hass, data, client, setup)
    finally:
        client.session.detach()


def _identifier(
    device: dr.DeviceEntry | dr.ChildDeviceEntry, domain: str
) -> str | None:
    return next((value for key, value in device.identifiers if key == domain), None)


@callback
def plan(hass: HomeAssistant, core: ConfigEntry, ours: Ours) -> Plan:
    """Sort the overkiz entry's entities and devices into those that move or stay."""
    entities = er.async_entries_for_config_entry(er.async_get(hass), core.entry_id)
    devices = dr.async_entries_for_config_entry(dr.async_get(hass), core.entry_id)
    return Plan(
        moves=tuple(e for e in entities if (e.domain, e.unique_id) in ours.entities),
        stays=tuple(
            e for e in entities if (e.domain, e.unique_id) not in ours.entities
        ),
        devices=tuple(
            d for d in devices if _identifier(d, CORE_DOMAIN) in ours.devices
        ),
    )


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
        identifier = (DOMAIN, _identifier(device, CORE_DOMAIN) or "")
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


@callback
def _async_give_back(
    hass: HomeAssistant, entry: ConfigEntry, core: ConfigEntry, record: dict[str, Any]
) -> None:
    """Move what was taken over back to the overkiz entry.

    Entities first: a device moved to another entry takes the old entry's
    entities on it away with it. Where overkiz made a new entity or device of
    its own meanwhile, ours (the original) replaces it.
    """
    ent_reg = er.async_get(hass)
    dev_reg = dr.async_get(hass)
    for entity_id in record.get("entities", []):
        mine = ent_reg.async_get(entity_id)
        if mine is None or mine.config_entry_id != entry.entry_id:
            continue
        if theirs := ent_reg.async_get_entity_id(
            mine.domain, CORE_DOMAIN, mine.unique_id
        ):
            ent_reg.async_remove(theirs)
        ent_reg.async_update_entity_platform(
            entity_id, CORE_DOMAIN, new_config_entry_id=core.entry_id
        )
    for device_id in record.get("devices", []):
        device = dev_reg.async_get(device_id)
        if device is None or device.config_entry_id != entry.entry_id:
            continue
        identifier = (CORE_DOMAIN, _identifier(device, DOMAIN) or "")
        if theirs_device := dev_reg.async_get_device_by_identifier(
            identifier, core.entry_id
        ):
            dev_reg.async_remove_device(theirs_device.id)
        dev_reg.async_update_device(
            device_id, new_config_entry_id=core.entry_id, new_identifiers={identifier}
        )
    for entity_id, device_id in record.get("detached", {}).items():
        stay = ent_reg.async_get(entity_id)
        if stay is not None and stay.device_id is None and dev_reg.async_get(device_id):
            ent_reg.async_update_entity(entity_id, device_id=device_id)


async def async_give_back(hass: HomeAssistant, entry: ConfigEntry) -> None:
    """Give a taken-over gateway back to overkiz, as our entry is removed.

    The overkiz entry gets its entities and devices back and is enabled again
    (or reloaded, if it was enabled meanwhile), once our removal is complete.
    """
    record = entry.data.get(CONF_TAKEN_OVER)
    if not record:
        return
    core = hass.config_entries.async_get_entry(record["entry_id"])
    if core is None:
        return
    _async_give_back(hass, entry, core, record)
    if core.disabled_by is None:  # enabled meanwhile: it picks its entities up
        hass.config_entries.async_schedule_reload(core.entry_id)
        return
    hass.async_create_task(
        hass.config_entries.async_set_disabled_by(core.entry_id, None),
        f"{DOMAIN} enable {core.entry_id}",
    )
