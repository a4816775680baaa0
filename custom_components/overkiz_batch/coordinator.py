"""One coordinator per gateway: poll the event listener, apply, hand over.

Polls the listener (listener.py; faster while one of our executions runs),
applies its events (events.py), reads everything again when events may have
been lost, and hands new devices to the platforms. Commands go through
``commands`` (commands.py), sent by the queue's executor (sender.py); the device
registry is kept by ``devices`` (devices.py).
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from homeassistant.config_entries import ConfigEntry
from homeassistant.core import CALLBACK_TYPE, HomeAssistant, callback
from homeassistant.exceptions import ConfigEntryAuthFailed
from homeassistant.helpers.update_coordinator import DataUpdateCoordinator, UpdateFailed
from homeassistant.util import dt as dt_util
from pyoverkiz.exceptions import BaseOverkizError
from pyoverkiz.models import Device

from .commands import GatewayCommands
from .const import (
    API_TYPE_LOCAL,
    CONF_API_TYPE,
    CONF_GATEWAY_ID,
    DOMAIN,
    EXECUTION_MAX_AGE,
    UPDATE_INTERVAL_CLOUD,
    UPDATE_INTERVAL_EXECUTING,
    UPDATE_INTERVAL_LOCAL,
)
from .devices import GatewayDevices, own_devices
from .errors import AUTH_ERRORS, TRANSIENT_ERRORS, error_detail, log_unexpected
from .events import handle_event
from .executions import (
    ExecutionTracker,
    async_ended_unseen,
)
from .jobs import JobGroup
from .listener import EventListener
from .logs import own_requests
from .scenarios import GatewayScenarios
from .sender import ExecutionSender

if TYPE_CHECKING:
    from collections.abc import Callable

    from pyoverkiz.client import OverkizClient
    from pyoverkiz.models import Gateway, Setup

_LOGGER = logging.getLogger(__package__)

type OverkizBatchConfigEntry = ConfigEntry[OverkizBatchCoordinator]
type DevicesListener = Callable[[list[Device]], None]

# Registered executions remembered by label, for a lost answer's lookup.
REGISTERED_KEPT = 64


class OverkizBatchCoordinator(DataUpdateCoordinator[dict[str, Device]]):
    """Keep one gateway's devices in sync with its event listener.

    ``data`` maps device URL to the pyoverkiz Device, updated in place from the
    event listener, which is polled faster while one of our executions runs.
    """

    config_entry: OverkizBatchConfigEntry

    def __init__(
        self,
        hass: HomeAssistant,
        entry: OverkizBatchConfigEntry,
        client: OverkizClient,
        setup: Setup,
    ) -> None:
        """Keep the devices of this entry's gateway from the setup just read."""
        self.idle_interval = (
            UPDATE_INTERVAL_LOCAL
            if entry.data.get(CONF_API_TYPE) == API_TYPE_LOCAL
            else UPDATE_INTERVAL_CLOUD
        )
        super().__init__(
            hass,
            _LOGGER,
            config_entry=entry,
            name=f"{entry.title} events",  # "Error fetching <title> events data"
            update_interval=self.idle_interval,
        )
        self.client = client
        self.gateway_id: str = entry.data.get(CONF_GATEWAY_ID) or entry.unique_id or ""
        self.setup = setup
        self.gateway: Gateway | None = next(
            (g for g in setup.gateways if g.gateway_id == self.gateway_id), None
        )
        # The cloud marks a gateway down with an event, before any request fails.
        self.gateway_alive = self.gateway.alive is not False if self.gateway else True
        self.data = own_devices(setup, setup.devices, self.gateway_id)
        self.devices = GatewayDevices(
            hass, entry, client.server_config, self.data, setup.root_place
        )
        self.executions = ExecutionTracker(EXECUTION_MAX_AGE, dt_util.utcnow)
        self.job_group = JobGroup(f"{DOMAIN}_{self.gateway_id}")
        self.commands = GatewayCommands(
            hass,
            entry,
            ExecutionSender(client, self),
            self.executions,
            on_started=self._async_poll_fast,
            job_group=self.job_group,
        )
        self.scenarios = GatewayScenarios(
            self, enabled=entry.data.get(CONF_API_TYPE) != API_TYPE_LOCAL
        )
        self._devices_listeners: list[DevicesListener] = []
        self._resync = False
        self.listener = EventListener(client, entry.data)
        self._reconcile = False  # ask the gateway which executions still run

    @callback
    def _async_poll_fast(self) -> None:
        """Poll the listener every second while one of our executions runs."""
        if self.update_interval == UPDATE_INTERVAL_EXECUTING:
            return
        self.update_interval = UPDATE_INTERVAL_EXECUTING
        if self._listeners:
            self._schedule_refresh()

    @callback
    def async_add_devices_listener(self, listener: DevicesListener) -> CALLBACK_TYPE:
        """Call ``listener`` with the devices the gateway adds later on."""
        self._devices_listeners.append(listener)
        return lambda: self._devices_listeners.remove(listener)

    async def async_refresh_states(self) -> None:
        """Ask the gateway to read every device's states; they come back as events."""
        own_requests()
        await self.client.refresh_states()
        await self.async_request_refresh()

    # Polling the event listener.

    async def _async_update_data(self) -> dict[str, Device]:
        """Fetch the listener's events and apply them to the devices."""
        own_requests()
        for execution in self.executions.expire():
            _LOGGER.debug("Execution %s never ended, forgotten", execution.exec_id)
        try:
            if self._resync:
                await self._async_resync()
            await self._async_apply_events()
            if self._resync:  # the gateway added or changed devices
                await self._async_resync()
            await self.scenarios.async_refresh()
        except Exception as err:
            raise self._update_error(err) from err
        # Fast while executions run, even when a failed poll slowed it down.
        self.update_interval = (
            UPDATE_INTERVAL_EXECUTING if self.executions else self.idle_interval
        )
        return self.data

    async def _async_apply_events(self) -> bool:
        """Fetch the listener's events and apply them; tell whether there were any."""
        any_events, lost = await self.listener.async_fetch(
            lambda event: handle_event(self, event)
        )
        if lost:  # states are read again and the executions checked
            self._resync = self._reconcile = True
        return any_events

    @property
    def listener_epoch(self) -> int:
        """Breaks of the event listener so far (sender.py)."""
        return self.listener.epoch

    async def async_find_registered(self, label: str) -> str | None:
        """Read the listener's events now; return the id registered with ``label``.

        For a batch whose answer was lost (sender.py): the gateway registers an
        execution before it answers, so its registration event is there.
        """
        if await self._async_apply_events():
            self.async_update_listeners()
        return self.listener.registered(label)

    def _update_error(self, err: Exception) -> Exception:
        """Return what a failed poll raises: reauth, or unavailable for a while."""
        self._resync = True  # events may be lost while polls fail
        self.update_interval = self.idle_interval  # no hammering a failing gateway
        if isinstance(err, AUTH_ERRORS):
            return ConfigEntryAuthFailed(
                translation_domain=DOMAIN, translation_key="authentication_failed"
            )
        if self.last_update_success and not isinstance(  # not again at every poll
            err, (*TRANSIENT_ERRORS, BaseOverkizError)
        ):
            log_unexpected(err, "fetching the gateway's events")
        return UpdateFailed(
            translation_domain=DOMAIN,
            translation_key="update_failed",
            translation_placeholders={"error": error_detail(err)},
        )

    async def _async_resync(self) -> None:
        """Read every device, and our gateway, again after events may have been lost."""
        if self._reconcile:
            for execution, end in await async_ended_unseen(
                self.client, self.executions
            ):
                self.commands.async_execution_ended(execution, end)
            self._reconcile = False
        self.scenarios.async_mark_stale()  # their events may be lost too
        devices = own_devices(
            self.setup, await self.client.get_devices(refresh=True), self.gateway_id
        )
        gateways = await self.client.get_gateways(refresh=True)
        self._resync = False
        self._async_set_devices(devices)
        for gateway in gateways:  # its GATEWAY_ALIVE may be among the lost events
            if gateway.gateway_id == self.gateway_id:
                self.gateway = gateway
                self.gateway_alive = gateway.alive is not False

    @callback
    def _async_set_devices(self, devices: dict[str, Device]) -> None:
        """Replace the device list, announcing new devices and dropping gone ones."""
        new = [d for url, d in devices.items() if url not in self.data]
        for url in set(self.data) - set(devices):
            self.async_remove_device(url)
        self.data.update(devices)
        if new:
            self.devices.async_add(new)
            for listener in list(self._devices_listeners):
                listener(new)

    @callback
    def async_remove_device(self, device_url: str) -> None:
        """Forget a device and, when it was the last part of it, its registry entry."""
        self.data.pop(device_url, None)
        self.devices.async_remove(device_url)

    @callback
    def request_resync(self) -> None:
        """Read every device again after this poll (the gateway changed some)."""
        self._resync = True

    # Unload.

    async def async_unload(self) -> None:
        """Send the queued commands, then let the gateway forget our listener."""
        await self.async_shutdown()  # no more polls
        await self.commands.async_shutdown()
        await self.listener.async_close()
