"""Overkiz Batch: Overkiz gateways with batched commands and per-entity job guards."""

from __future__ import annotations

from typing import TYPE_CHECKING

from homeassistant.core import HassJob
from homeassistant.exceptions import ConfigEntryAuthFailed, ConfigEntryNotReady
from homeassistant.helpers import config_validation as cv

from .client import create_client
from .const import DOMAIN, PLATFORMS
from .coordinator import OverkizBatchConfigEntry, OverkizBatchCoordinator
from .errors import AUTH_ERRORS, TRANSIENT_ERRORS, error_detail
from .logs import own_requests
from .migration import async_migrate_unique_ids
from .repairs import (
    async_check_coexistence,
    async_clear_issue,
    async_follow_coexistence,
)
from .services import async_setup_services
from .takeover import async_take_over_if_asked
from .takeover_back import async_give_back

if TYPE_CHECKING:
    from homeassistant.core import HomeAssistant
    from homeassistant.helpers.typing import ConfigType

CONFIG_SCHEMA = cv.config_entry_only_config_schema(DOMAIN)


async def async_setup(hass: HomeAssistant, config: ConfigType) -> bool:
    """Register the services, once for every gateway; watch for coexistence."""
    async_setup_services(hass)
    async_follow_coexistence(hass)
    return True


async def async_setup_entry(
    hass: HomeAssistant, entry: OverkizBatchConfigEntry
) -> bool:
    """Log in, read the gateway's setup and start following its events."""
    own_requests()
    async_migrate_unique_ids(hass, entry)
    client = create_client(hass, entry.data)
    try:
        await client.login()  # registers the event listener
        setup = await client.get_setup()
    except AUTH_ERRORS as err:
        client.session.detach()
        raise ConfigEntryAuthFailed(
            translation_domain=DOMAIN, translation_key="authentication_failed"
        ) from err
    except TRANSIENT_ERRORS as err:
        client.session.detach()
        raise ConfigEntryNotReady(
            translation_domain=DOMAIN,
            translation_key="cannot_connect_setup",
            translation_placeholders={"error": error_detail(err)},
        ) from err

    coordinator = OverkizBatchCoordinator(hass, entry, client, setup)
    entry.runtime_data = coordinator
    try:
        await coordinator.async_config_entry_first_refresh()
    except BaseException:
        await coordinator.async_unload()
        raise

    # Before our devices and entities are registered: they find the moved ones.
    await async_take_over_if_asked(hass, entry, client, setup)
    coordinator.devices.async_register(coordinator.gateway_id, coordinator.gateway)
    # Poll the listener even when no entity listens: executions, device events
    # and the listener's own life depend on it.
    entry.async_on_unload(coordinator.async_add_listener(lambda: None))
    # Home Assistant stopping sends what waits in the queue first.
    entry.async_on_unload(
        hass.async_add_shutdown_job(HassJob(coordinator.commands.async_shutdown))
    )
    await hass.config_entries.async_forward_entry_setups(entry, PLATFORMS)
    set_up_with = dict(entry.data)

    async def _async_entry_updated(
        hass: HomeAssistant, entry: OverkizBatchConfigEntry
    ) -> None:
        """Reload for new credentials or a new host; apply new options live.

        Busy mode and refresh throttle are read per call; the queue takes its new
        settings for the next batches, keeping what it holds.
        """
        if entry.data != set_up_with:
            hass.config_entries.async_schedule_reload(entry.entry_id)
        else:
            entry.runtime_data.commands.async_apply_options()

    entry.async_on_unload(entry.add_update_listener(_async_entry_updated))
    async_check_coexistence(hass)
    return True


async def async_unload_entry(
    hass: HomeAssistant, entry: OverkizBatchConfigEntry
) -> bool:
    """Send the queued commands, then stop following the gateway.

    The queue is drained before the entities go: a reload then leaves only
    milliseconds in which Home Assistant has no entity to take a command.
    """
    await entry.runtime_data.commands.flush_action_queue()
    if unloaded := await hass.config_entries.async_unload_platforms(entry, PLATFORMS):
        await entry.runtime_data.async_unload()
    return unloaded


async def async_remove_entry(
    hass: HomeAssistant, entry: OverkizBatchConfigEntry
) -> None:
    """Give a taken-over gateway back to overkiz; forget the entry's issue."""
    async_clear_issue(hass, entry)
    await async_give_back(hass, entry)
