"""A lost answer to exec/apply on a gateway without history: run once, or say so.

Real local gateways keep no history: an execution that ended before the lookup
is neither running nor past. The listener's ExecutionRegisteredEvent, which
carries the label we tagged, tells that the gateway took the batch.
"""

from __future__ import annotations

from typing import Any

from homeassistant.components.cover import DOMAIN as COVER_DOMAIN, SERVICE_STOP_COVER
from homeassistant.components.switch import DOMAIN as SWITCH_DOMAIN
from homeassistant.const import SERVICE_TURN_ON
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError
import pytest

from custom_components.overkiz_batch import sender, session
from simulator import GatewaySimulator
from tests.gateway_setup import (
    SimFactory,
    coordinator_of,
    entity_ids_of,
    setup_entry,
)

pytestmark = pytest.mark.usefixtures("socket_enabled", "no_retry_waits")


def ran(sim: GatewaySimulator, url: str, command: str) -> int:
    """How many times the device ran ``command``, by the gateway's log."""
    return sum(
        1 for name, _ in sim.stats.device_commands.get(url, []) if name == command
    )


async def slow_local_gateway(
    hass: HomeAssistant, make_sim: SimFactory, monkeypatch: pytest.MonkeyPatch
) -> GatewaySimulator:
    """A local gateway in real time, without history, slow to answer."""
    sim = await make_sim(house="default", mode="local", speed=1, local_history=False)
    await setup_entry(hass, sim, monkeypatch)
    sim.set_latency(0.6)
    return sim


def entity_of_url(hass: HomeAssistant, domain: str, url: str) -> str:
    return next(e for e, u in entity_ids_of(hass, domain).items() if u == url)


@pytest.mark.parametrize(
    ("domain", "service", "url", "command"),
    [
        pytest.param(SWITCH_DOMAIN, SERVICE_TURN_ON, "io://{gw}/3001", "on", id="on"),
        pytest.param(
            COVER_DOMAIN, SERVICE_STOP_COVER, "rts://{gw}/16000001", "stop", id="stop"
        ),
    ],
)
async def test_lost_answer_of_an_ended_batch_is_not_sent_again(
    hass: HomeAssistant,
    make_sim: SimFactory,
    monkeypatch: pytest.MonkeyPatch,
    domain: str,
    service: str,
    url: str,
    command: str,
) -> None:
    """The batch ended before the lookup: its registration event tells it ran."""
    sim = await slow_local_gateway(hass, make_sim, monkeypatch)
    url = url.format(gw=sim.gateway_id)
    sim.drop("exec/apply", after=True)

    await hass.services.async_call(
        domain, service, {"entity_id": entity_of_url(hass, domain, url)}, blocking=True
    )
    await sim.settle()

    assert sim.stats.calls["exec/apply"] == 1
    assert ran(sim, url, command) == 1


async def test_request_lost_on_the_way_is_sent_again(
    hass: HomeAssistant, make_sim: SimFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """No registration event on an unbroken listener: the gateway never got it."""
    sim = await slow_local_gateway(hass, make_sim, monkeypatch)
    url = f"io://{sim.gateway_id}/3001"
    waits: list[float] = []

    async def no_wait(seconds: float) -> None:
        waits.append(seconds)

    monkeypatch.setattr(sender, "sleep", no_wait)
    sim.drop("exec/apply", after=False)

    await hass.services.async_call(
        SWITCH_DOMAIN,
        SERVICE_TURN_ON,
        {"entity_id": entity_of_url(hass, SWITCH_DOMAIN, url)},
        blocking=True,
    )
    await sim.settle()

    assert waits == [sender.LOOKUP_RECHECK_DELAY]  # it may register late
    assert sim.stats.calls["exec/apply"] == 2
    assert ran(sim, url, "on") == 1


async def test_lost_answer_and_lost_events_is_unknown_and_not_sent_again(
    hass: HomeAssistant, make_sim: SimFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The listener expired meanwhile: absence proves nothing; the caller is told."""
    sim = await slow_local_gateway(hass, make_sim, monkeypatch)
    url = f"io://{sim.gateway_id}/3001"
    client = coordinator_of(
        hass.config_entries.async_entries("overkiz_batch")[0]
    ).client
    apply = client.execute_action_group

    async def apply_then_lose_the_listener(**kwargs: Any) -> str:
        try:
            return await apply(**kwargs)
        finally:
            sim.expire_listener()

    monkeypatch.setattr(client, "execute_action_group", apply_then_lose_the_listener)
    sim.drop("exec/apply", after=True)

    with pytest.raises(HomeAssistantError) as err:
        await hass.services.async_call(
            SWITCH_DOMAIN,
            SERVICE_TURN_ON,
            {"entity_id": entity_of_url(hass, SWITCH_DOMAIN, url)},
            blocking=True,
        )
    await sim.settle()

    assert err.value.translation_key == "outcome_unknown"
    assert sim.stats.calls["exec/apply"] == 1
    assert ran(sim, url, "on") == 1


async def test_every_request_is_bounded(
    hass: HomeAssistant, make_sim: SimFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Not aiohttp's five minutes: the session's own bound (pyoverkiz's is unused)."""
    sim = await make_sim(house="default", mode="local")
    entry = await setup_entry(hass, sim, monkeypatch)

    timeout = coordinator_of(entry).client.session.timeout
    assert timeout.total == session.REQUEST_TIMEOUT
    assert timeout.sock_connect == session.CONNECT_TIMEOUT
    assert session.EXECUTION_TIMEOUT < session.REQUEST_TIMEOUT


async def test_unanswered_batch_is_unknown_to_its_callers_and_not_sent_again(
    hass: HomeAssistant, make_sim: SimFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A gateway that takes a batch and never answers: bounded wait, no resend."""
    sim = await make_sim(house="default", mode="local", speed=1)
    await setup_entry(hass, sim, monkeypatch)
    monkeypatch.setattr(session, "EXECUTION_TIMEOUT", 0.2)
    monkeypatch.setattr(sender, "LOOKUP_TIMEOUT", 0.2)
    sim.set_latency(0.6)  # every answer, the lookup's too
    url = f"io://{sim.gateway_id}/3001"

    with pytest.raises(HomeAssistantError) as err:
        await hass.services.async_call(
            SWITCH_DOMAIN,
            SERVICE_TURN_ON,
            {"entity_id": entity_of_url(hass, SWITCH_DOMAIN, url)},
            blocking=True,
        )

    assert err.value.translation_key == "outcome_unknown"
    assert sim.stats.calls["exec/apply"] == 1
    await sim.stop()  # its handlers still wait to answer
