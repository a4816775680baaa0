"""Registry entries of older versions, brought to today's unique ids."""

from __future__ import annotations

from typing import TYPE_CHECKING

from homeassistant.const import Platform
from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers import entity_registry as er
from pyoverkiz.enums import UIClass

if TYPE_CHECKING:
    from homeassistant.config_entries import ConfigEntry


@callback
def async_migrate_unique_ids(hass: HomeAssistant, entry: ConfigEntry) -> None:
    """Give switches the overkiz scheme: ``URL-OnOff`` instead of the URL alone.

    Earlier a switch (always an on/off device) was known by its device URL;
    overkiz, which users move from, uses ``URL-key``. Cheap and idempotent, so
    run at every setup.
    """
    registry = er.async_get(hass)
    for entity in er.async_entries_for_config_entry(registry, entry.entry_id):
        if (
            entity.domain == Platform.SWITCH
            and "-" not in entity.unique_id.rsplit("/", 1)[-1]
        ):
            registry.async_update_entity(
                entity.entity_id, new_unique_id=f"{entity.unique_id}-{UIClass.ON_OFF}"
            )
