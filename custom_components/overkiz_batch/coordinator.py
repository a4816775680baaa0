"""One coordinator per gateway: events, devices, executions and the action queue."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from datetime import timedelta
import logging
import secrets
from typing import TYPE_CHECKING, Any

from aiohttp import ServerDisconnectedError
from homeassistant.config_entries import ConfigEntry
from homeassistant.core import CALLBACK_TYPE, HomeAssistant, callback
from homeassistant.exceptions import ConfigEntryAuthFailed, HomeAssistantError
from homeassistant.helpers import device_registry as dr
from homeassistant.helpers.device_registry import DeviceInfo
from homeassistant.helpers.update_coordinator import DataUpdateCoordinator, UpdateFailed
from homeassistant.util import dt as dt_util
from pyoverkiz.enums import EventName, ExecutionState
from pyoverkiz.exceptions import (
    BaseOverkizError,
    InvalidEventListenerIdError,
    NoRegisteredEventListenerError,
)
from pyoverkiz.models import Action, Device, Event, Gateway, HistoryExecution, Setup

from .action_queue import ActionQueue, ActionQueueSettings
from .const import (
    API_TYPE_LOCAL,
    ATTR_COMMAND,
    ATTR_DEVICE_URL,
    ATTR_EXEC_ID,
    ATTR_FAILURE_TYPE,
    BUSY_MODE_REJECT,
    CONF_API_TYPE,
    CONF_BUSY_MODE,
    CONF_GATEWAY_ID,
    CONF_MAX_ACTIONS,
    CONF_QUEUE_DELAY,
    CONF_REFRESH_THROTTLE,
    DEFAULT_BUSY_MODE,
    DEFAULT_MAX_ACTIONS,
    DEFAULT_QUEUE_DELAY,
    DEFAULT_REFRESH_THROTTLE,
    DOMAIN,
    EVENT_EXECUTION_FAILED,
    EXECUTION_LABEL,
    EXECUTION_MAX_AGE,
    UPDATE_INTERVAL_CLOUD,
    UPDATE_INTERVAL_EXECUTING,
    UPDATE_INTERVAL_LOCAL,
)
from .errors import (
    AUTH_ERRORS,
    NOT_SENT_ERRORS,
    TRANSIENT_ERRORS,
    ExecutionOutcomeUnknownError,
    command_error,
    log_unexpected,
)
from .executions import ExecutionEnd, ExecutionTracker, TrackedExecution
from .jobs import JobConcurrency, JobGroup
from .naming import gateway_name
from .scenarios import SCENARIO_EVENTS, GatewayScenarios

if TYPE_CHECKING:
    from .client import BatchClient
    from .entity import OverkizBatchEntity

_LOGGER = logging.getLogger(__package__)

type OverkizBatchConfigEntry = ConfigEntry[OverkizBatchCoordinator]
type DevicesListener = Callable[[list[Device]], None]

# After a dropped connection the gateway may register the batch a moment later:
# seconds to wait before looking again, and sending it again if still absent.
LOOKUP_RECHECK_DELAY = 1.0


def queue_settings(options: Any) -> ActionQueueSettings:
    """Return the action queue settings the entry options ask for."""
    return ActionQueueSettings(
        delay=float(options.get(CONF_QUEUE_DELAY, DEFAULT_QUEUE_DELAY)),
        max_actions=int(options.get(CONF_MAX_ACTIONS, DEFAULT_MAX_ACTIONS)),
    )


def base_device_url(device_url: str) -> str:
    """Return the device URL without its ``#n`` sub-device suffix."""
    return device_url.split("#", 1)[0]


class OverkizBatchCoordinator(DataUpdateCoordinator[dict[str, Device]]):
    """Keep one gateway's devices in sync and send its commands in batches.

    ``data`` maps device URL to the pyoverkiz Device, updated in place from the
    event listener, which is polled faster while one of our executions runs.
    """

    config_entry: OverkizBatchConfigEntry

    def __init__(
        self,
        hass: HomeAssistant,
        entry: OverkizBatchConfigEntry,
        client: BatchClient,
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
            name=f"{DOMAIN} events",
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
        self.data = self._own_devices(setup.devices)
        self.executions = ExecutionTracker(EXECUTION_MAX_AGE, dt_util.utcnow)
        self.queue = ActionQueue(
            self._async_send_batch,
            queue_settings(entry.options),
            on_change=self._async_notify_pending,
        )
        self.job_group = JobGroup(f"{DOMAIN}_{self.gateway_id}")
        self.scenarios = GatewayScenarios(
            self, enabled=entry.data.get(CONF_API_TYPE) != API_TYPE_LOCAL
        )
        self.entities: dict[str, OverkizBatchEntity] = {}  # by entity_id, for services
        self._devices_listeners: list[DevicesListener] = []
        self._pending_listeners: list[CALLBACK_TYPE] = []
        self._resync = False
        # The listener whose events we read; another one means events were lost.
        self._listener_id = client.event_listener_id
        self._reconcile = False  # ask the gateway which executions still run
        self.gateway_device_id = ""  # device registry id, once registered
        self.sleep: Callable[[float], Awaitable[object]] = asyncio.sleep  # for tests

    def _own_devices(self, devices: list[Device]) -> dict[str, Device]:
        """Keep the devices of our gateway (an account may hold several)."""
        gateway_ids = {g.gateway_id for g in self.setup.gateways}
        return {
            d.device_url: d
            for d in devices
            if d.identifier.gateway_id == self.gateway_id
            or (
                d.identifier.gateway_id not in gateway_ids
                and self.setup.gateways
                and self.setup.gateways[0].gateway_id == self.gateway_id
            )
        }

    # Options, read when they are needed so a change applies at once.

    @property
    def busy_concurrency(self) -> JobConcurrency:
        """The entities' guard: queue or reject a command for a busy device."""
        mode = self.config_entry.options.get(CONF_BUSY_MODE, DEFAULT_BUSY_MODE)
        return (
            JobConcurrency.REJECT if mode == BUSY_MODE_REJECT else JobConcurrency.QUEUE
        )

    @property
    def refresh_throttle(self) -> timedelta:
        """The shortest time between two gateway state refreshes."""
        return timedelta(
            seconds=float(
                self.config_entry.options.get(
                    CONF_REFRESH_THROTTLE, DEFAULT_REFRESH_THROTTLE
                )
            )
        )

    @callback
    def async_apply_options(self) -> None:
        """Apply the queue settings of the entry options to the next batches."""
        self.queue.update_settings(queue_settings(self.config_entry.options))

    # The action queue.

    async def _async_send_batch(self, actions: list[Action], label: str | None) -> str:
        """Executor of the queue: one action group, run by the gateway at most once.

        The client's own queue is unused. The label gets a unique tag, by which
        the batch is found among the gateway's executions when the answer to
        exec/apply is lost. It is sent again only when it is certainly not there.
        """
        tagged = f"{label or EXECUTION_LABEL} #{secrets.token_hex(4)}"
        try:
            return await self._async_apply(actions, tagged)
        except ServerDisconnectedError:
            _LOGGER.debug("Batch %s lost on the way, sending it again", tagged)
        return await self._async_apply(actions, tagged)

    async def _async_apply(self, actions: list[Action], tagged: str) -> str:
        """Send a batch; after a failure that leaves it unclear, ask the gateway.

        Returns the batch's execution id, or raises the failure when the gateway
        certainly did not take it (ExecutionOutcomeUnknownError when unknown).
        """
        try:
            # Keyword arguments: pyoverkiz 2.x takes them keyword-only.
            return await self.client.execute_action_group(actions=actions, label=tagged)
        except (BaseOverkizError, *NOT_SENT_ERRORS):
            raise  # the gateway's answer, or nothing was sent
        except Exception as err:
            try:
                exec_id = await self._async_find_execution(tagged, err)
            except Exception as lookup_err:
                raise ExecutionOutcomeUnknownError(
                    f"{str(err) or type(err).__name__}, then"
                    f" {str(lookup_err) or type(lookup_err).__name__}"
                ) from err
            if exec_id is not None:
                _LOGGER.debug(
                    "Batch %s was taken as %s despite %r", tagged, exec_id, err
                )
                return exec_id
            if isinstance(err, TimeoutError):  # it may still reach the gateway
                raise ExecutionOutcomeUnknownError(
                    str(err) or type(err).__name__
                ) from err
            raise

    async def _async_find_execution(self, label: str, err: Exception) -> str | None:
        """Return the id of the execution with this label, running or past.

        After a dropped connection (``err``), which the batch is sent again for
        when absent, the gateway gets a moment to register it first; and when
        it keeps no history (the local API), not running counts as absent.
        """
        if (exec_id := await self._async_find_running(label)) is not None:
            return exec_id
        resend = isinstance(err, ServerDisconnectedError)
        if resend:
            await self.sleep(LOOKUP_RECHECK_DELAY)
            if (exec_id := await self._async_find_running(label)) is not None:
                return exec_id
        try:
            history = await self.client.get_execution_history()
        except Exception:
            if not resend:
                raise
            _LOGGER.debug("No execution history to look %s up in", label)
            return None
        return next((past.id for past in history if past.label == label), None)

    async def _async_find_running(self, label: str) -> str | None:
        """Return the id of the running execution with this label."""
        for execution in await self.client.get_current_executions():
            group = execution.action_group
            if group is not None and group.label == label:
                return execution.id
        return None

    async def execute_action_group(
        self,
        actions: list[Action],
        label: str | None = None,
        *,
        entity_id: str | None = None,
    ) -> str:
        """Queue actions, return the id of the execution they joined.

        Raises the gateway's error when the batch was refused. The execution is
        tracked, and the listener polled faster, until it ends.
        """
        exec_id = await self.queue.add(actions, label)
        self.async_track(exec_id, actions, label=label, entity_id=entity_id)
        return exec_id

    @callback
    def async_track(
        self,
        exec_id: str,
        actions: list[Action],
        *,
        label: str | None = None,
        entity_id: str | None = None,
    ) -> None:
        """Follow an execution we started until it ends; poll faster meanwhile."""
        execution, end = self.executions.start(
            exec_id, actions, label=label, entity_id=entity_id
        )
        if end is not None:
            self._async_execution_ended(execution, end)
        else:
            self._async_poll_fast()

    async def flush_action_queue(self) -> None:
        """Send the queued actions now and wait until the gateway took them."""
        await self.queue.flush()

    def get_pending_actions_count(self) -> int:
        """Return the number of actions waiting to be sent."""
        return self.queue.get_pending_actions_count()

    @callback
    def command_error(self, err: Exception, command: str) -> HomeAssistantError:
        """Return the error for a caller whose command failed; reauth if needed."""
        if isinstance(err, AUTH_ERRORS):
            self.config_entry.async_start_reauth(self.hass)
        return command_error(err, command)

    @callback
    def async_add_pending_listener(self, listener: CALLBACK_TYPE) -> CALLBACK_TYPE:
        """Call ``listener`` when the pending actions count may have changed."""
        self._pending_listeners.append(listener)
        return lambda: self._pending_listeners.remove(listener)

    @callback
    def _async_notify_pending(self) -> None:
        for listener in list(self._pending_listeners):
            listener()

    @callback
    def _async_poll_fast(self) -> None:
        """Poll the listener every second while one of our executions runs."""
        if self.update_interval == UPDATE_INTERVAL_EXECUTING:
            return
        self.update_interval = UPDATE_INTERVAL_EXECUTING
        if self._listeners:
            self._schedule_refresh()

    # Devices.

    @callback
    def async_add_devices_listener(self, listener: DevicesListener) -> CALLBACK_TYPE:
        """Call ``listener`` with the devices the gateway adds later on."""
        self._devices_listeners.append(listener)
        return lambda: self._devices_listeners.remove(listener)

    @callback
    def async_register_devices(self) -> None:
        """Put the gateway in the device registry, then every device via it."""
        registry = dr.async_get(self.hass)
        gateway = self.gateway
        server = self.client.server_config
        model = gateway.type.beautify_name if gateway and gateway.type else None
        self.gateway_device_id = registry.async_get_or_create(
            config_entry_id=self.config_entry.entry_id,
            identifiers={(DOMAIN, self.gateway_id)},
            name=gateway_name(gateway, self.gateway_id, server.manufacturer),
            manufacturer=server.manufacturer,
            model=model,
            sw_version=gateway.connectivity.protocol_version if gateway else None,
            configuration_url=server.configuration_url,
        ).id
        self._async_register_devices(list(self.data.values()))

    @callback
    def _async_register_devices(self, devices: list[Device]) -> None:
        registry = dr.async_get(self.hass)
        for device in devices:
            info = self.device_info(device)
            if "name" in info:  # not a part of another device
                registry.async_get_or_create(
                    config_entry_id=self.config_entry.entry_id, **info
                )

    def device_info(self, device: Device) -> DeviceInfo:
        """Describe an Overkiz device for the registry, reached through the gateway.

        A device may come in parts (``#1`` a heater, ``#2`` its temperature
        sensor): the first part describes the device, the others link to it.
        """
        base = base_device_url(device.device_url)
        if device.device_url != self.main_part(base):
            return DeviceInfo(identifiers={(DOMAIN, base)})
        manufacturer = device.attributes.get_value("core:Manufacturer")
        firmware = device.attributes.get_value("core:FirmwareRevision")
        return DeviceInfo(
            identifiers={(DOMAIN, base)},
            name=device.label,
            manufacturer=str(manufacturer)
            if manufacturer
            else self.client.server_config.manufacturer,
            model=str(device.widget),
            model_id=device.controllable_name,
            sw_version=str(firmware) if firmware else None,
            via_device_id=self.gateway_device_id,
        )

    def main_part(self, base: str) -> str | None:
        """Return the URL of a device's first part (lowest ``#n``), or None.

        The registry knows a device by its URL without ``#n``; a device in parts
        (a heater ``#1`` and its sensor ``#2``) is described and driven by its
        first part.
        """
        parts = [url for url in self.data if base_device_url(url) == base]
        return min(parts, key=_part_index, default=None)

    async def async_refresh_states(self) -> None:
        """Ask the gateway to read every device's states; they come back as events."""
        await self.client.refresh_states()
        await self.async_request_refresh()

    # Polling the event listener.

    async def _async_update_data(self) -> dict[str, Device]:
        """Fetch the listener's events and apply them to the devices."""
        for execution in self.executions.expire():
            _LOGGER.debug("Execution %s never ended, forgotten", execution.exec_id)
        try:
            if self._resync:
                await self._async_resync()
            for event in await self._async_fetch_events():
                self._async_handle_event(event)
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

    async def _async_fetch_events(self) -> list[Event]:
        """Fetch events, registering a new listener when the gateway dropped ours."""
        try:
            events = await self.client.fetch_events()
        except InvalidEventListenerIdError, NoRegisteredEventListenerError:
            # No fetch for too long: its events are lost, so states are read again.
            _LOGGER.debug("Event listener expired, registering a new one")
            self._listener_id = None  # gone: nothing to unregister
            self._resync = self._reconcile = True
            await self.client.register_event_listener()
            events = []
        if self.client.event_listener_id != self._listener_id:
            # A new listener (expired, or a new session, here or in any request
            # pyoverkiz logged in again for): what happened meanwhile is lost, so
            # states are read again and the executions checked.
            old, self._listener_id = self._listener_id, self.client.event_listener_id
            if old is not None:
                self._resync = self._reconcile = True
                await self._async_unregister_old_listener(old)
        return events

    async def _async_unregister_old_listener(self, listener_id: str) -> None:
        """Let the gateway forget a listener pyoverkiz replaced (if it still has it)."""
        try:
            await self.client.unregister_listener(listener_id)
        except Exception:  # it expires on its own
            _LOGGER.debug(
                "Could not unregister listener %s", listener_id, exc_info=True
            )

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
            translation_placeholders={"error": str(err) or type(err).__name__},
        )

    async def _async_resync(self) -> None:
        """Read every device, and our gateway, again after events may have been lost."""
        if self._reconcile:
            await self._async_reconcile_executions()
        self.scenarios.async_mark_stale()  # their events may be lost too
        devices = self._own_devices(await self.client.get_devices(refresh=True))
        gateways = await self.client.get_gateways(refresh=True)
        self._resync = False
        self._async_set_devices(devices)
        for gateway in gateways:  # its GATEWAY_ALIVE may be among the lost events
            if gateway.gateway_id == self.gateway_id:
                self.gateway = gateway
                self.gateway_alive = gateway.alive is not False

    async def _async_reconcile_executions(self) -> None:
        """End the tracked executions the gateway no longer runs.

        Their end events went with the old listener; without this a cover would
        show "closing" until EXECUTION_MAX_AGE. How they ended comes from the
        history, so a failure is still reported.
        """
        known = [e.exec_id for e in self.executions.values()]
        if known:
            running = {e.id for e in await self.client.get_current_executions()}
            history: dict[str, HistoryExecution] = {}
            if not running.issuperset(known):
                history = await self._async_history()
            if ended := self.executions.drop_ended(known, running):
                for execution in ended:
                    end = _history_end(history.get(execution.exec_id))
                    execution.state = end.state
                    _LOGGER.debug("Execution %s ended unseen", execution.exec_id)
                    self._async_execution_ended(execution, end)
        self._reconcile = False

    async def _async_history(self) -> dict[str, HistoryExecution]:
        """Return the gateway's past executions by id; none where it keeps none."""
        try:
            return {p.id: p for p in await self.client.get_execution_history()}
        except Exception:  # the local API has no history: their end is unknown
            _LOGGER.debug("No execution history to reconcile with", exc_info=True)
            return {}

    @callback
    def _async_set_devices(self, devices: dict[str, Device]) -> None:
        """Replace the device list, announcing new devices and dropping gone ones."""
        new = [d for url, d in devices.items() if url not in self.data]
        for url in set(self.data) - set(devices):
            self._async_remove_device(url)
        self.data.update(devices)
        if new:
            self._async_register_devices(new)
            for listener in list(self._devices_listeners):
                listener(new)

    @callback
    def _async_remove_device(self, device_url: str) -> None:
        """Forget a device and, when it was the last part of it, its registry entry."""
        self.data.pop(device_url, None)
        base = base_device_url(device_url)
        if any(base_device_url(url) == base for url in self.data):
            return
        registry = dr.async_get(self.hass)
        if device := registry.async_get_device_by_identifier(
            (DOMAIN, base), self.config_entry.entry_id
        ):
            registry.async_remove_device(device.id)

    @callback
    def _async_handle_event(self, event: Event) -> None:
        """Apply one listener event."""
        name = event.name
        device_url: str | None = getattr(event, "device_url", None)
        if name == EventName.DEVICE_STATE_CHANGED:
            if device_url is not None and (device := self.data.get(device_url)):
                for state in getattr(event, "device_states", []):
                    device.states[state.name] = state
        elif name == EventName.DEVICE_AVAILABLE:
            if device_url is not None and (device := self.data.get(device_url)):
                device.available = True
        elif name in (EventName.DEVICE_UNAVAILABLE, EventName.DEVICE_DISABLED):
            if device_url is not None and (device := self.data.get(device_url)):
                device.available = False
        elif name in (EventName.DEVICE_CREATED, EventName.DEVICE_UPDATED):
            self._resync = True
        elif name in SCENARIO_EVENTS:
            self.scenarios.async_mark_stale()
        elif name == EventName.DEVICE_REMOVED:
            if device_url is not None:
                self._async_remove_device(device_url)
        elif name in (EventName.GATEWAY_DOWN, EventName.GATEWAY_ALIVE):
            if getattr(event, "gateway_id", None) == self.gateway_id:
                self.gateway_alive = name == EventName.GATEWAY_ALIVE
        elif name == EventName.EXECUTION_STATE_CHANGED:
            exec_id: str = getattr(event, "exec_id", "")
            end = ExecutionEnd(
                state=getattr(event, "new_state", ExecutionState.UNKNOWN),
                failure_type=_failure_type(event),
                failed_commands=list(getattr(event, "failed_commands", None) or []),
            )
            if (execution := self.executions.update(exec_id, end)) is not None:
                self._async_execution_ended(execution, end)

    @callback
    def _async_execution_ended(
        self, execution: TrackedExecution, end: ExecutionEnd
    ) -> None:
        """Tell automations which of our commands failed."""
        if end.state != ExecutionState.FAILED:
            return
        # The gateway names the failed commands; without that list, all of them.
        failed: dict[tuple[str, str | None], str | None] = {}
        for item in end.failed_commands:
            url = item.get("deviceURL") or item.get("device_url")
            name = item.get("command")
            if isinstance(name, dict):
                name = name.get("name")
            kind = item.get("failureType") or item.get("failure_type")
            failed[(str(url), str(name) if name else None)] = kind
        for command in execution.commands:
            key = (command.device_url, command.command)
            if (
                failed
                and key not in failed
                and (command.device_url, None) not in failed
            ):
                continue
            failure = failed.get(key) or failed.get((command.device_url, None))
            self.hass.bus.async_fire(
                EVENT_EXECUTION_FAILED,
                {
                    "entity_id": command.entity_id,
                    ATTR_DEVICE_URL: command.device_url,
                    ATTR_COMMAND: command.command,
                    ATTR_FAILURE_TYPE: failure or end.failure_type,
                    ATTR_EXEC_ID: execution.exec_id,
                },
            )

    # Unload.

    async def async_unload(self) -> None:
        """Send the queued commands, then let the gateway forget our listener."""
        await self.async_shutdown()  # no more polls
        await self.queue.shutdown()
        current = self.client.event_listener_id
        if self._listener_id not in (None, current):
            # A new login replaced it (2.1) or cleared it until the next fetch (2.3).
            await self._async_unregister_old_listener(self._listener_id)
        if current is None:
            return
        try:
            await self.client.unregister_event_listener()
        except Exception:  # the gateway may be gone: unload anyway
            _LOGGER.debug("Could not unregister the event listener", exc_info=True)


def _part_index(device_url: str) -> int:
    """Return ``n`` of a ``#n`` device URL (0 without a suffix)."""
    _, _, index = device_url.partition("#")
    return int(index) if index.isdigit() else 0


def _history_end(past: HistoryExecution | None) -> ExecutionEnd:
    """Return how an execution ended by its history entry (UNKNOWN without)."""
    if past is None:
        return ExecutionEnd(state=ExecutionState.UNKNOWN)
    failed = [
        {
            "deviceURL": command.device_url,
            "command": command.command,
            "failureType": command.failure_type,
        }
        for command in past.commands
        if command.state == ExecutionState.FAILED
    ]
    failure = past.failure_type if past.failure_type != "NO_FAILURE" else None
    return ExecutionEnd(state=past.state, failure_type=failure, failed_commands=failed)


def _failure_type(event: Event) -> str | None:
    """Return the failure type name of an execution event (e.g. CMDCANCELLED)."""
    code = getattr(event, "failure_type_code", None)
    if code is not None and (name := getattr(code, "name", None)) != "UNKNOWN":
        return str(name)
    failure: str | None = getattr(event, "failure_type", None)
    return failure
