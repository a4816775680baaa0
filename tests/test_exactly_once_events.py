"""A batch runs at most once: odd polls, lost events, forgotten executions.

Against the simulated gateway, whose own logs tell how often a device ran a
command and how often exec/apply was called.
"""

from __future__ import annotations

from importlib.metadata import version
import logging

from homeassistant.core import Event, HomeAssistant
from homeassistant.helpers.update_coordinator import UpdateFailed
from pyoverkiz.models import Action, Command
import pytest

from custom_components.overkiz_batch.const import EVENT_EXECUTION_FAILED
from tests.exactly_once_helpers import close
from tests.gateway_setup import SimFactory, poll, start_gateway

pytestmark = pytest.mark.usefixtures("socket_enabled", "no_retry_waits")


@pytest.mark.parametrize("error", ["MALFORMED_JSON", "SERVICE_UNAVAILABLE_503"])
async def test_poll_with_an_odd_answer_fails_cleanly_and_recovers(
    hass: HomeAssistant,
    make_sim: SimFactory,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
    error: str,
) -> None:
    """Unreadable answers (or pyoverkiz crashing on them) are an UpdateFailed."""
    gw = await start_gateway(hass, make_sim, monkeypatch)
    sim, coordinator, _ = gw.sim, gw.coordinator, gw.sim.device_urls[0]
    sim.fail("events/fetch", error, count=2)

    with caplog.at_level(logging.ERROR):
        for _ in range(2):
            await poll(hass, coordinator)
            assert not coordinator.last_update_success
            assert isinstance(coordinator.last_exception, UpdateFailed)
    unexpected = [r for r in caplog.records if "Unexpected error" in r.getMessage()]
    # pyoverkiz 2.1 crashes on an empty 503 (AttributeError), 2.3 reads it.
    expected = error == "MALFORMED_JSON" or version("pyoverkiz").startswith("2.1.")
    assert len(unexpected) == (1 if expected else 0)  # once, not at every poll
    assert all(r.exc_info for r in unexpected)

    await poll(hass, coordinator)
    assert coordinator.last_update_success


async def test_execution_that_failed_unseen_is_reported_from_history(
    hass: HomeAssistant, make_sim: SimFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Its end event went with an expired listener; the history tells how it ended."""
    gw = await start_gateway(hass, make_sim, monkeypatch, speed=1, local_history=True)
    sim, coordinator, url = gw.sim, gw.coordinator, gw.sim.device_urls[0]
    events: list[Event] = []
    hass.bus.async_listen(EVENT_EXECUTION_FAILED, events.append)

    first = await coordinator.commands.execute_action_group(
        close(url), entity_id="cover.x"
    )
    sim.expire_listener()
    second = await coordinator.commands.execute_action_group(
        [Action(device_url=url, commands=[Command(name="open")])]
    )  # cancels the first
    await poll(hass, coordinator)

    assert [e.data for e in events] == [
        {
            "entity_id": "cover.x",
            "device_url": url,
            "command": "close",
            "failure_type": "CMDCANCELLED",
            "exec_id": first,
        }
    ]
    assert first not in coordinator.executions
    assert second in coordinator.executions  # still running: kept


async def test_listener_replaced_by_a_login_is_unregistered(
    hass: HomeAssistant, make_sim: SimFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    gw = await start_gateway(hass, make_sim, monkeypatch)
    sim, coordinator, url = gw.sim, gw.coordinator, gw.sim.device_urls[0]
    sim.fail("exec/apply", "NOT_AUTHENTICATED")  # pyoverkiz logs in again

    await coordinator.commands.execute_action_group(close(url))
    await sim.settle()
    await poll(hass, coordinator)

    assert list(sim.core.listeners) == [coordinator.client.event_listener_id]
    assert not coordinator.executions  # its end was not lost


async def test_execution_ended_unseen_and_forgotten_by_the_gateway_is_dropped(
    hass: HomeAssistant, make_sim: SimFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """No history entry: it ended, how is unknown; no failure is reported."""
    gw = await start_gateway(hass, make_sim, monkeypatch)
    sim, coordinator, url = gw.sim, gw.coordinator, gw.sim.device_urls[0]
    events: list[Event] = []
    hass.bus.async_listen(EVENT_EXECUTION_FAILED, events.append)
    exec_id = await coordinator.commands.execute_action_group(close(url))
    sim.expire_listener()
    await sim.settle()
    sim.core.history.clear()
    sim.fail("events/unregister", "SERVER_ERROR_500")  # the old one: left to expire

    await poll(hass, coordinator)

    assert coordinator.last_update_success
    assert exec_id not in coordinator.executions
    assert events == []
    assert sim.stats.calls["events/unregister"] == 1


async def test_execution_ended_unseen_on_a_gateway_without_history(
    hass: HomeAssistant, make_sim: SimFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The local API has no history: the poll still succeeds, the end is unknown."""
    gw = await start_gateway(hass, make_sim, monkeypatch, local_history=False)
    sim, coordinator, url = gw.sim, gw.coordinator, gw.sim.device_urls[0]
    events: list[Event] = []
    hass.bus.async_listen(EVENT_EXECUTION_FAILED, events.append)
    exec_id = await coordinator.commands.execute_action_group(close(url))
    sim.expire_listener()
    await sim.settle()

    await poll(hass, coordinator)

    assert coordinator.last_update_success
    assert exec_id not in coordinator.executions
    assert events == []
    assert sim.stats.calls["history/executions"] == 1
