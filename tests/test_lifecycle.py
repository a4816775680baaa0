"""Nothing queued is lost when Home Assistant stops or the entry reloads."""

from __future__ import annotations

import asyncio
from typing import Any

from homeassistant.components.cover import DOMAIN as COVER_DOMAIN, SERVICE_CLOSE_COVER
from homeassistant.const import EVENT_STATE_CHANGED, STATE_UNAVAILABLE
from homeassistant.core import Event, EventStateChangedData, HomeAssistant, callback
import pytest

from custom_components.overkiz_batch.const import CONF_QUEUE_DELAY
from simulator import GatewaySimulator
from tests.gateway_setup import coordinator_of, entity_ids_of, setup_entry

pytestmark = pytest.mark.usefixtures("socket_enabled")


async def test_stopping_home_assistant_sends_the_window(
    hass: HomeAssistant, sim: GatewaySimulator, monkeypatch: pytest.MonkeyPatch
) -> None:
    """12 closes wait in the batching window when Home Assistant stops."""
    entry = await setup_entry(hass, sim, monkeypatch, **{CONF_QUEUE_DELAY: 5.0})
    commands = coordinator_of(entry).commands
    shutters = {f"io://{sim.gateway_id}/{1001 + n}" for n in range(12)}
    covers = [
        (e, u) for e, u in entity_ids_of(hass, COVER_DOMAIN).items() if u in shutters
    ]
    assert len(covers) == len(shutters)
    queued = asyncio.Event()

    @callback
    def count() -> None:
        if commands.get_pending_actions_count() == len(covers):
            queued.set()

    commands.async_add_pending_listener(count)
    calls = [
        hass.async_create_task(
            hass.services.async_call(
                COVER_DOMAIN, SERVICE_CLOSE_COVER, {"entity_id": eid}, blocking=True
            )
        )
        for eid, _ in covers
    ]
    await queued.wait()

    await hass.async_stop()

    assert all(call.done() and call.exception() is None for call in calls)
    assert sim.stats.calls["exec/apply"] == 1
    await sim.settle()
    for _, url in covers:
        assert sim.stats.device_commands[url] == [("close", [])]


async def test_reload_sends_the_queue_before_the_entities_go(
    hass: HomeAssistant, sim: GatewaySimulator, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A batch retried for back pressure is taken before the entities are removed.

    Meanwhile the entities still take commands: none is skipped by Home Assistant.
    """
    entry = await setup_entry(hass, sim, monkeypatch)
    by_url = {u: e for e, u in entity_ids_of(hass, COVER_DOMAIN).items()}
    url, other_url = (f"io://{sim.gateway_id}/{n}" for n in (1001, 1002))
    entity_id, other_id = by_url[url], by_url[other_url]
    accepted_when_gone: list[int] = []

    @callback
    def went(event: Event[EventStateChangedData]) -> None:
        state = event.data["new_state"]
        if event.data["entity_id"] == entity_id and (
            state is None or state.state == STATE_UNAVAILABLE
        ):
            accepted_when_gone.append(sim.stats.executions_accepted)

    hass.bus.async_listen(EVENT_STATE_CHANGED, went)
    client = coordinator_of(entry).client
    apply = client.execute_action_group
    refused = asyncio.Event()

    async def apply_or_tell(**kwargs: Any) -> str:
        try:
            return await apply(**kwargs)
        except Exception:
            refused.set()
            raise

    monkeypatch.setattr(client, "execute_action_group", apply_or_tell)
    sim.fail("exec/apply", "EXEC_QUEUE_FULL", count=2)  # retried for about a second
    close = hass.async_create_task(
        hass.services.async_call(
            COVER_DOMAIN, SERVICE_CLOSE_COVER, {"entity_id": entity_id}, blocking=True
        )
    )
    await refused.wait()

    reload = hass.async_create_task(hass.config_entries.async_reload(entry.entry_id))
    await asyncio.sleep(0.05)
    await hass.services.async_call(
        COVER_DOMAIN, SERVICE_CLOSE_COVER, {"entity_id": other_id}, blocking=True
    )
    assert await reload
    await close

    # The retried batch was taken before the entity went (later ones go at unload).
    assert accepted_when_gone
    assert accepted_when_gone[0] >= 1
    await sim.settle()
    assert sim.stats.device_commands[url] == [("close", [])]
    assert sim.stats.device_commands[other_url] == [("close", [])]
