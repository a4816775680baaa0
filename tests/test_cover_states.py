"""Cover states when covers share one execution, as every batch makes them do.

A cover's state follows what its device reports and what was last sent to it, not
the execution it shares: a stopped cover shows stopped while the others still
move, and a cover already where it is told to go shows so at once.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable

from homeassistant.components.cover import (
    ATTR_CURRENT_POSITION,
    DOMAIN as COVER_DOMAIN,
    SERVICE_CLOSE_COVER,
    SERVICE_OPEN_COVER,
    SERVICE_STOP_COVER,
    CoverState,
)
from homeassistant.const import Platform
from homeassistant.core import HomeAssistant
import pytest

from simulator.houses import DEFAULT_GATEWAY_ID as GW
from tests.gateway_setup import Gateway, gateway

pytestmark = pytest.mark.usefixtures("socket_enabled")

# The default house: shutter 1 open, 2 closed, 3 at closure 40.
OPEN = "cover.living_room_shutter_1"
CLOSED = "cover.kitchen_shutter_2"
PARTIAL = "cover.bedroom_shutter_3"
CLOSED_TOO = "cover.bathroom_shutter_5"  # 2nd closed one (closures cycle 0, 100, 40)
URL_CLOSED = f"io://{GW}/1002"
SPEED = 4  # a full travel takes 5 s, a command 0.125 s


def state(hass: HomeAssistant, entity_id: str) -> str:
    found = hass.states.get(entity_id)
    assert found is not None
    return found.state


async def until(gw: Gateway, done: Callable[[], bool]) -> None:
    """Poll the gateway's events until ``done`` (for about two seconds at most).

    ``done`` looks at the simulator, so one more poll once it holds brings what
    led there to Home Assistant.
    """
    for _ in range(100):
        if done():
            await gw.poll()
            return
        await gw.poll()
        await asyncio.sleep(0.02)
    raise AssertionError("not reached")


async def test_stopping_one_cover_of_a_shared_execution(hass: HomeAssistant) -> None:
    async with gateway(hass, Platform.COVER) as gw:
        gw.sim.speed = SPEED
        await gw.call(COVER_DOMAIN, SERVICE_OPEN_COVER, [CLOSED, CLOSED_TOO])
        assert len(gw.sim.core.executions) == 1  # one execution for both
        assert state(hass, CLOSED) == CoverState.OPENING

        # Under way: no longer closed, far from open.
        await until(gw, lambda: gw.sim.state(URL_CLOSED, "core:ClosureState") < 100)
        await gw.call(COVER_DOMAIN, SERVICE_STOP_COVER, CLOSED)
        # The stop's own execution ends at once; the shared one runs on.
        await until(gw, lambda: len(gw.sim.core.executions) == 1)

        assert state(hass, CLOSED) == CoverState.OPEN  # stopped part way
        found = hass.states.get(CLOSED)
        assert found is not None
        assert 0 < found.attributes[ATTR_CURRENT_POSITION] < 100
        assert state(hass, CLOSED_TOO) == CoverState.OPENING
        await gw.sync()
        assert state(hass, CLOSED_TOO) == CoverState.OPEN


async def test_a_cover_already_there_shows_so_at_once(hass: HomeAssistant) -> None:
    async with gateway(hass, Platform.COVER) as gw:
        gw.sim.speed = SPEED
        await gw.call(COVER_DOMAIN, SERVICE_CLOSE_COVER, [OPEN, CLOSED, PARTIAL])

        assert state(hass, OPEN) == CoverState.CLOSING
        assert state(hass, PARTIAL) == CoverState.CLOSING
        assert state(hass, CLOSED) == CoverState.CLOSED  # not "closing" for 2 s
        # Its motor said so at once, while the execution runs for the others.
        await until(gw, lambda: gw.sim.state(URL_CLOSED, "core:MovingState") is False)
        assert state(hass, CLOSED) == CoverState.CLOSED
        assert len(gw.sim.core.executions) == 1
        await gw.sync()
        assert state(hass, OPEN) == CoverState.CLOSED
