"""What each event of the gateway's listener does, one typed handler per name.

pyoverkiz reads each event into the class of its name (a DeviceStateChanged
event is a ``DeviceStateChangedEvent``), so a handler gets its own type. Events
without a handler are of no use here and are ignored.
"""

from __future__ import annotations

from collections.abc import Callable
import logging
from typing import TYPE_CHECKING, Any

from pyoverkiz.enums import EventName
from pyoverkiz.models import (
    DeviceEvent,
    DeviceStateChangedEvent,
    Event,
    ExecutionRegisteredEvent,
    ExecutionStateChangedEvent,
    GatewayEvent,
)

from .executions import ExecutionEnd, FailedCommand
from .scenarios import SCENARIO_EVENTS

if TYPE_CHECKING:
    from .coordinator import OverkizBatchCoordinator

_LOGGER = logging.getLogger(__package__)

type EventHandler = Callable[[OverkizBatchCoordinator, Any], None]

# Event name -> the class pyoverkiz reads it into, and its handler.
EVENT_HANDLERS: dict[str, tuple[type[Event], EventHandler]] = {}


def _handles[H: EventHandler](kind: type[Event], *names: EventName) -> Callable[[H], H]:
    """Register the decorated function for these event names, read as ``kind``."""

    def register(handler: H) -> H:
        for name in names:
            EVENT_HANDLERS[name] = (kind, handler)
        return handler

    return register


def handle_event(coordinator: OverkizBatchCoordinator, event: Event) -> None:
    """Apply one listener event to the coordinator's state.

    An event pyoverkiz could not read into its class (a state value its declared
    type cannot hold, such as "NaN" for an integer) comes as a bare Event: what
    it said is lost, so every device is read again.
    """
    if (entry := EVENT_HANDLERS.get(event.name)) is None:
        return
    kind, handler = entry
    if isinstance(event, kind):
        handler(coordinator, event)
    else:
        _LOGGER.debug("Unreadable %s: reading the devices again", event.name)
        coordinator.request_resync()


@_handles(DeviceStateChangedEvent, EventName.DEVICE_STATE_CHANGED)
def _states_changed(
    coordinator: OverkizBatchCoordinator, event: DeviceStateChangedEvent
) -> None:
    if device := coordinator.data.get(event.device_url):
        for state in event.device_states:
            device.states[state.name] = state


@_handles(DeviceEvent, EventName.DEVICE_AVAILABLE)
def _device_available(coordinator: OverkizBatchCoordinator, event: DeviceEvent) -> None:
    if device := coordinator.data.get(event.device_url):
        device.available = True


@_handles(DeviceEvent, EventName.DEVICE_UNAVAILABLE, EventName.DEVICE_DISABLED)
def _device_unavailable(
    coordinator: OverkizBatchCoordinator, event: DeviceEvent
) -> None:
    if device := coordinator.data.get(event.device_url):
        device.available = False


@_handles(Event, EventName.DEVICE_CREATED, EventName.DEVICE_UPDATED)
def _devices_changed(coordinator: OverkizBatchCoordinator, event: DeviceEvent) -> None:
    coordinator.request_resync()  # the event does not carry the device


@_handles(Event, *SCENARIO_EVENTS)
def _scenarios_changed(coordinator: OverkizBatchCoordinator, event: Event) -> None:
    coordinator.scenarios.async_mark_stale()  # the user changed them in the app


@_handles(DeviceEvent, EventName.DEVICE_REMOVED)
def _device_removed(coordinator: OverkizBatchCoordinator, event: DeviceEvent) -> None:
    coordinator.async_remove_device(event.device_url)


@_handles(GatewayEvent, EventName.GATEWAY_DOWN)
def _gateway_down(coordinator: OverkizBatchCoordinator, event: GatewayEvent) -> None:
    if event.gateway_id == coordinator.gateway_id:
        coordinator.gateway_alive = False


@_handles(GatewayEvent, EventName.GATEWAY_ALIVE)
def _gateway_alive(coordinator: OverkizBatchCoordinator, event: GatewayEvent) -> None:
    if event.gateway_id == coordinator.gateway_id:
        coordinator.gateway_alive = True


@_handles(ExecutionRegisteredEvent, EventName.EXECUTION_REGISTERED)
def _execution_registered(
    coordinator: OverkizBatchCoordinator, event: ExecutionRegisteredEvent
) -> None:
    if event.label:
        coordinator.listener.async_execution_registered(event.label, event.exec_id)


@_handles(ExecutionStateChangedEvent, EventName.EXECUTION_STATE_CHANGED)
def _execution_changed(
    coordinator: OverkizBatchCoordinator, event: ExecutionStateChangedEvent
) -> None:
    end = ExecutionEnd(
        state=event.new_state,
        failure_type=_failure_type(event),
        failed_commands=[
            FailedCommand.from_event(item) for item in event.failed_commands or []
        ],
    )
    if (execution := coordinator.executions.update(event.exec_id, end)) is not None:
        coordinator.commands.async_execution_ended(execution, end)


def _failure_type(event: ExecutionStateChangedEvent) -> str | None:
    """Return the failure type name of an execution event (e.g. CMDCANCELLED)."""
    code = event.failure_type_code
    if code is not None and code.name != "UNKNOWN":
        return str(code.name)
    return event.failure_type
