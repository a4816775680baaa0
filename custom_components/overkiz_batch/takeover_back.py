"""Give a taken-over gateway back to Home Assistant's own overkiz integration.

overkiz has one entry per cloud account, we have one per gateway: removing
one of our entries gives its entities and devices back to that overkiz entry,
which is enabled again only once none of our entries holds any of its
entities or devices any more (else both would run the same gateway).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers import device_registry as dr, entity_registry as er

from .const import DOMAIN
from .takeover import CONF_TAKEN_OVER, CORE_DOMAIN, identifier_of

if TYPE_CHECKING:
    from homeassistant.config_entries import ConfigEntry


@callback
def _async_give_back(
    hass: HomeAssistant, entry: ConfigEntry, core: ConfigEntry, record: dict[str, Any]
) -> None:
    """Move what was taken over back to the overkiz entry.

    Entities first: a device moved to another entry takes the old entry's
    entities on it away with it. Where overkiz made a new entity or device of
    its own meanwhile, ours (the original) replaces it. Moved to a disabled
    entry, they are disabled with it, and enabled with it later.
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
        identifier = (CORE_DOMAIN, identifier_of(device, DOMAIN) or "")
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


@callback
def still_held(hass: HomeAssistant, core: ConfigEntry, but: str) -> bool:
    """Tell whether one of our entries, other than ``but``, holds core's things."""
    ent_reg = er.async_get(hass)
    dev_reg = dr.async_get(hass)
    for other in hass.config_entries.async_entries(DOMAIN):
        record = other.data.get(CONF_TAKEN_OVER)
        if other.entry_id == but or not record or record["entry_id"] != core.entry_id:
            continue
        entities = (ent_reg.async_get(e) for e in record.get("entities", []))
        devices = (dev_reg.async_get(d) for d in record.get("devices", []))
        if any(e and e.config_entry_id == other.entry_id for e in entities) or any(
            d and d.config_entry_id == other.entry_id for d in devices
        ):
            return True
    return False


async def async_give_back(hass: HomeAssistant, entry: ConfigEntry) -> None:
    """Give a taken-over gateway back to overkiz, as our entry is removed.

    The overkiz entry gets its entities and devices back and is enabled again
    (or reloaded, if it was enabled meanwhile), once our removal is complete,
    unless another of our entries still runs one of its gateways.
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
    if still_held(hass, core, but=entry.entry_id):
        return
    hass.async_create_task(
        hass.config_entries.async_set_disabled_by(core.entry_id, None),
        f"{DOMAIN} enable {core.entry_id}",
    )
