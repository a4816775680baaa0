"""A batch runs at most once: lost answers, unknown outcomes, raw errors.

Against the simulated gateway, whose own logs tell how often a device ran a
command and how often exec/apply was called.
"""

from __future__ import annotations

from typing import Any

from aiohttp import ClientConnectorError
from homeassistant.core import HomeAssistant
from pyoverkiz.exceptions import NotAuthenticatedError
import pytest

from custom_components.overkiz_batch import sender
from custom_components.overkiz_batch.action_queue import BACK_PRESSURE_ERRORS
from custom_components.overkiz_batch.const import DOMAIN
from custom_components.overkiz_batch.errors import ExecutionOutcomeUnknownError
from custom_components.overkiz_batch.sender import LOOKUP_RECHECK_DELAY
from tests.exactly_once_helpers import close, close_cover_fails, gateway_exec_ids, ran
from tests.gateway_setup import SimFactory, start_gateway

pytestmark = pytest.mark.usefixtures("socket_enabled", "no_retry_waits")


@pytest.mark.parametrize(
    "local_history", [True, False], ids=["with history", "no history (local API)"]
)
@pytest.mark.parametrize(
    ("after", "sends"),
    [
        pytest.param(True, 1, id="answer lost: the running execution"),
        pytest.param(False, 2, id="request lost: sent again"),
    ],
)
async def test_lost_connection_runs_the_batch_once(
    hass: HomeAssistant,
    make_sim: SimFactory,
    monkeypatch: pytest.MonkeyPatch,
    after: bool,
    sends: int,
    local_history: bool,
) -> None:
    gw = await start_gateway(hass, make_sim, monkeypatch, local_history=local_history)
    sim, coordinator, url = gw.sim, gw.coordinator, gw.sim.device_urls[0]
    waits: list[float] = []
    monkeypatch.setattr(sender, "sleep", _record(waits))
    sim.drop("exec/apply", after=after)  # after: the gateway took it

    exec_id = await coordinator.commands.execute_action_group(close(url))
    await sim.settle()

    assert sim.stats.calls["exec/apply"] == sends
    assert exec_id in gateway_exec_ids(sim)
    assert ran(sim, url) == 1
    assert waits == ([] if after else [LOOKUP_RECHECK_DELAY])


def _record(waits: list[float]) -> Any:
    async def sleep(seconds: float) -> None:
        waits.append(seconds)

    return sleep


async def test_batch_registered_late_after_a_drop_is_not_sent_again(
    hass: HomeAssistant, make_sim: SimFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The connection dropped after the request was sent; the gateway tells late."""
    gw = await start_gateway(hass, make_sim, monkeypatch)
    sim, coordinator, url = gw.sim, gw.coordinator, gw.sim.device_urls[0]
    registered = coordinator.async_find_registered
    asked: list[bool] = []

    async def not_yet_registered(label: str) -> str | None:
        found = await registered(label)
        asked.append(True)
        return found if len(asked) > 1 else None

    monkeypatch.setattr(coordinator, "async_find_registered", not_yet_registered)

    async def nothing_running() -> list[Any]:
        return []

    monkeypatch.setattr(coordinator.client, "get_current_executions", nothing_running)
    monkeypatch.setattr(sender, "sleep", _record([]))
    sim.drop("exec/apply", after=True)

    exec_id = await coordinator.commands.execute_action_group(close(url))
    await sim.settle()

    assert len(asked) == 2  # looked again after the wait
    assert sim.stats.calls["exec/apply"] == 1
    assert exec_id in gateway_exec_ids(sim)
    assert ran(sim, url) == 1


async def test_unclear_answer_without_history_is_unknown_to_the_caller(
    hass: HomeAssistant, make_sim: SimFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Not running and no history to look in: it may have run already."""
    gw = await start_gateway(hass, make_sim, monkeypatch, local_history=False)
    sim, coordinator, url = gw.sim, gw.coordinator, gw.sim.device_urls[0]
    sim.fail("exec/apply", "MALFORMED_JSON")

    err = await close_cover_fails(hass, coordinator, url)

    assert err.translation_key == "outcome_unknown"
    assert sim.stats.calls["exec/apply"] == 1


async def test_busy_gateway_is_left_to_the_queue(
    hass: HomeAssistant, make_sim: SimFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """pyoverkiz would retry TOO_MANY_EXECUTIONS for minutes; the client sends once.

    The session hands it on as back pressure the queue retries.
    """
    gw = await start_gateway(hass, make_sim, monkeypatch)
    sim, coordinator, url = gw.sim, gw.coordinator, gw.sim.device_urls[0]
    sim.fail("exec/apply", "TOO_MANY_EXECUTIONS")

    with pytest.raises(BACK_PRESSURE_ERRORS):
        await coordinator.client.execute_action_group(actions=close(url), label="x")
    assert sim.stats.calls["exec/apply"] == 1
    assert ran(sim, url) == 0


@pytest.mark.parametrize("failures", [1, 2])
async def test_lost_login_is_retried_once(
    hass: HomeAssistant,
    make_sim: SimFactory,
    monkeypatch: pytest.MonkeyPatch,
    failures: int,
) -> None:
    gw = await start_gateway(hass, make_sim, monkeypatch)
    sim, coordinator, url = gw.sim, gw.coordinator, gw.sim.device_urls[0]
    sim.fail("exec/apply", "NOT_AUTHENTICATED", count=failures)

    if failures == 1:
        await coordinator.client.execute_action_group(actions=close(url), label="x")
    else:
        with pytest.raises(NotAuthenticatedError):
            await coordinator.client.execute_action_group(actions=close(url), label="x")
    await sim.settle()
    assert sim.stats.calls["exec/apply"] == 2
    assert ran(sim, url) == (1 if failures == 1 else 0)


async def test_lost_answer_of_a_finished_batch_is_found_in_history(
    hass: HomeAssistant, make_sim: SimFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Its registration event lost with the listener, the cloud's history tells."""
    gw = await start_gateway(hass, make_sim, monkeypatch, local_history=True)
    sim, coordinator, url = gw.sim, gw.coordinator, gw.sim.device_urls[0]
    client = coordinator.client
    running = client.get_current_executions

    async def after_the_end() -> Any:
        await sim.settle()  # the batch ends before the gateway is asked
        return await running()

    async def listener_lost(label: str) -> None:
        coordinator.listener.epoch += 1  # replaced: its events are gone
        return

    monkeypatch.setattr(client, "get_current_executions", after_the_end)
    monkeypatch.setattr(coordinator, "async_find_registered", listener_lost)
    sim.drop("exec/apply", after=True)

    exec_id = await coordinator.commands.execute_action_group(close(url))

    assert sim.stats.calls["exec/apply"] == 1
    assert exec_id in {e.id for e in sim.core.history}
    assert ran(sim, url) == 1


async def test_lost_answer_and_no_way_to_ask_tells_the_caller(
    hass: HomeAssistant, make_sim: SimFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    gw = await start_gateway(hass, make_sim, monkeypatch)
    sim, coordinator, url = gw.sim, gw.coordinator, gw.sim.device_urls[0]
    sim.drop("exec/apply", after=True)
    sim.fail("events/fetch", "MAINTENANCE")

    err = await close_cover_fails(hass, coordinator, url)
    await sim.settle()

    assert err.translation_domain == DOMAIN
    assert err.translation_key == "outcome_unknown"
    assert sim.stats.calls["exec/apply"] == 1  # never sent twice
    assert ran(sim, url) == 1  # it did run: the caller was told it may have


async def test_timeout_is_not_sent_again(
    hass: HomeAssistant, make_sim: SimFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """After a timeout the batch may still arrive: absent is no proof."""
    gw = await start_gateway(hass, make_sim, monkeypatch)
    sim, coordinator, url = gw.sim, gw.coordinator, gw.sim.device_urls[0]

    async def times_out(**_: Any) -> str:
        raise TimeoutError

    monkeypatch.setattr(coordinator.client, "execute_action_group", times_out)

    with pytest.raises(ExecutionOutcomeUnknownError):
        await coordinator.commands.execute_action_group(close(url))
    assert sim.stats.calls["exec/current"] == 1  # asked, found nothing


async def test_refused_connection_is_tried_again_but_never_looked_up(
    hass: HomeAssistant, make_sim: SimFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    gw = await start_gateway(hass, make_sim, monkeypatch)
    sim, coordinator, url = gw.sim, gw.coordinator, gw.sim.device_urls[0]
    client = coordinator.client
    sent: list[str] = []
    post = client.session.post

    def counting_post(address: str, **kwargs: Any) -> Any:
        sent.append(address)
        return post(address, **kwargs)

    monkeypatch.setattr(client.session, "post", counting_post)
    monkeypatch.setattr(client, "get_current_executions", pytest.fail)
    await sim.stop()  # nothing listens on its port: the connection is refused

    with pytest.raises(ClientConnectorError):
        await coordinator.commands.execute_action_group(close(url))
    assert len(sent) == 3
    assert all(address.endswith("/exec/apply") for address in sent)


async def test_unreadable_answer_is_translated_and_not_sent_again(
    hass: HomeAssistant, make_sim: SimFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    gw = await start_gateway(hass, make_sim, monkeypatch, local_history=True)
    sim, coordinator, url = gw.sim, gw.coordinator, gw.sim.device_urls[0]
    sim.fail("exec/apply", "MALFORMED_JSON")

    err = await close_cover_fails(hass, coordinator, url)

    assert err.translation_key == "unreadable_answer"
    assert sim.stats.calls["exec/apply"] == 1
    assert sim.stats.calls["exec/current"] == 1  # looked for before giving up
    assert ran(sim, url) == 0
