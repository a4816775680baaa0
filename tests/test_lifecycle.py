"""Nothing queued is lost when Home Assistant stops or the entry reloads."""

from __future__ import annotations

import asyncio

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
    covers = sorted(entity_ids_of(hass, COVER_DOMAIN).items(), key=lambda c: c[1])[:12]
    calls = [
        hass.async_create_task(
            hass.services.async_call(
                COVER_DOMAIN, SERVICE_CLOSE_COVER, {"entity_id": eid}, blocking=True
            )
        )
        for eid, _ in covers
    ]
    while commands.get_pending_actions_count() < len(covers):
        await asyncio.sleep(0)

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
    (entity_id, url), (other_id, other_url) = sorted(
        entity_ids_of(hass, COVER_DOMAIN).items(), key=lambda c: c[1]
    )[:2]
    accepted_when_gone: list[int] = []

    @callback
    def went(event: Event[EventStateChangedData]) -> None:
        state = event.data["new_state"]
        if event.data["entity_id"] == entity_id and (
            state is None or state.state == STATE_UNAVAILABLE
        ):
            accepted_when_gone.append(sim.stats.executions_accepted)

    hass.bus.async_listen(EVENT_STATE_CHANGED, went)
    sim.fail("exec/apply", "EXEC_QUEUE_FULL", count=2)  # retried for about a second
    close = hass.async_create_task(
        hass.services.async_call(
            COVER_DOMAIN, SERVICE_CLOSE_COVER, {"entity_id": entity_id}, blocking=True
        )
    )
    while not sim.stats.executions_rejected:
        await asyncio.sleep(0.01)

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
