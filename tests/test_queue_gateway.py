"""The action queue against the simulated gateway: refusals split, moves in order."""

from __future__ import annotations

import asyncio

from homeassistant.core import HomeAssistant
from pyoverkiz.exceptions import NoSuchDeviceError
from pyoverkiz.models import Action, Command
import pytest

from custom_components.overkiz_batch.const import (
    CONF_ADAPTIVE_SENDING,
    CONF_QUEUE_DELAY,
)
from simulator.houses import shutters_house
from tests.gateway_setup import SimFactory, coordinator_of, setup_entry

# The plain window: commands wait together, as a scene's do.
WINDOW = {CONF_QUEUE_DELAY: 0.3, CONF_ADAPTIVE_SENDING: False}


def close(url: str, name: str = "close") -> list[Action]:
    return [Action(device_url=url, commands=[Command(name=name)])]


async def test_a_device_gone_while_waiting_fails_only_its_caller(
    hass: HomeAssistant, make_sim: SimFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The gateway refuses the group (NO_SUCH_DEVICE): the others run anyway."""
    sim = await make_sim(house=shutters_house(6), mode="local")
    entry = await setup_entry(hass, sim, monkeypatch, **WINDOW)
    commands = coordinator_of(entry).commands
    *kept, gone = sim.device_urls
    callers = [
        asyncio.ensure_future(commands.execute_action_group(close(url)))
        for url in sim.device_urls
    ]
    await asyncio.sleep(0)
    sim.remove_device(gone)  # while its command waits in the window
    results = await asyncio.gather(*callers, return_exceptions=True)

    assert isinstance(results[-1], NoSuchDeviceError)
    assert all(isinstance(r, str) for r in results[:-1])
    assert sorted(sim.stats.device_commands) == sorted(kept)
    assert all(
        sim.stats.device_commands[url] == [("close", [])] for url in kept
    )  # each once
    assert commands.queue.stats.splits >= 1
    await sim.settle()
    assert all(sim.state(url, "core:ClosureState") == 100 for url in kept)


async def test_close_then_open_in_one_window_go_as_two_executions(
    hass: HomeAssistant, make_sim: SimFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Never one ``[close, open]`` action: the open supersedes the close."""
    sim = await make_sim(house=shutters_house(2), mode="local", speed=10)
    entry = await setup_entry(hass, sim, monkeypatch, **WINDOW)
    commands = coordinator_of(entry).commands
    url, other = sim.device_urls
    first = asyncio.ensure_future(commands.execute_action_group(close(url)))
    also = asyncio.ensure_future(commands.execute_action_group(close(other)))
    await asyncio.sleep(0)
    reopen = await commands.execute_action_group(close(url, "open"))

    assert await first == await also != reopen
    assert sim.stats.calls["exec/apply"] == 2
    await sim.settle()
    assert sim.stats.device_commands[url] == [("close", []), ("open", [])]
    assert sim.state(url, "core:ClosureState") == 0
    assert sim.state(other, "core:ClosureState") == 100
