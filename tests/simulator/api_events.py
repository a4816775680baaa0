"""Reading the events of the simulator's API, shared by its API tests."""

from __future__ import annotations

from typing import Any

from pyoverkiz.client import OverkizClient
from pyoverkiz.enums import ExecutionState
from pyoverkiz.models import DeviceStateChangedEvent, Event, ExecutionStateChangedEvent

from simulator import GatewaySimulator


async def events_until_done(
    client: OverkizClient, exec_ids: set[str], sim: GatewaySimulator
) -> list[Event]:
    """Fetch events until every execution in ``exec_ids`` ended (settling first)."""
    await sim.settle()
    events: list[Event] = []
    pending = set(exec_ids)
    for _ in range(50):
        batch = await client.fetch_events()
        events += batch
        for event in batch:
            if isinstance(event, ExecutionStateChangedEvent) and event.new_state in (
                ExecutionState.COMPLETED,
                ExecutionState.FAILED,
            ):
                pending.discard(event.exec_id)
        if not pending:
            return events
    raise AssertionError(f"executions never ended: {pending}")


def states_of(events: list[Event], url: str) -> list[tuple[str, Any]]:
    return [
        (state.name, state.value)
        for event in events
        if isinstance(event, DeviceStateChangedEvent) and event.device_url == url
        for state in event.device_states
    ]


def final_state(events: list[Event], exec_id: str) -> ExecutionStateChangedEvent:
    changes = [
        e
        for e in events
        if isinstance(e, ExecutionStateChangedEvent) and e.exec_id == exec_id
    ]
    return changes[-1]
