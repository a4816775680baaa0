"""An outage in the log: one line when the gateway goes away, one when it is back."""

from __future__ import annotations

import asyncio
import contextvars
import logging

from homeassistant.core import HomeAssistant
import pytest

from custom_components.overkiz_batch.client import create_client
from custom_components.overkiz_batch.coordinator import OverkizBatchCoordinator
from simulator import GatewaySimulator, shutters_house
from tests.gateway_setup import SimFactory, local_entry_data, setup_entry

pytestmark = pytest.mark.usefixtures("socket_enabled", "no_retry_waits")

RETRY_WORDS = ("Backing off", "Giving up")


def _lines(caplog: pytest.LogCaptureFixture, logger: str) -> list[logging.LogRecord]:
    return [r for r in caplog.records if r.name.startswith(logger)]


async def test_outage_is_one_line_each_way(
    hass: HomeAssistant,
    make_sim: SimFactory,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    sim: GatewaySimulator = await make_sim(house=shutters_house(1), mode="local")
    entry = await setup_entry(hass, sim, monkeypatch)
    coordinator: OverkizBatchCoordinator = entry.runtime_data
    caplog.set_level(logging.INFO)
    caplog.clear()

    sim.go_down()
    for _ in range(4):  # polls every few seconds while the gateway is away
        await coordinator.async_refresh()
    sim.go_up()
    await coordinator.async_refresh()
    await coordinator.async_refresh()

    ours = [
        r.getMessage()
        for r in _lines(caplog, "custom_components.overkiz_batch")
        if r.levelno >= logging.INFO
    ]
    title = entry.title
    assert ours == [
        f"Error fetching {title} events data: Could not fetch the gateway's events"
        " (Server disconnected); Home Assistant keeps trying on its own",
        f"Fetching {title} events data recovered",
    ]
    assert not [
        r for r in _lines(caplog, "pyoverkiz") if r.getMessage().startswith(RETRY_WORDS)
    ]


async def test_other_users_of_pyoverkiz_keep_their_retry_lines(
    hass: HomeAssistant,
    make_sim: SimFactory,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    sim: GatewaySimulator = await make_sim(house=shutters_house(1), mode="local")
    await setup_entry(hass, sim, monkeypatch)  # our filter is in place
    sim.go_down()
    client = create_client(hass, local_entry_data(sim))

    async def someone_else() -> None:
        with pytest.raises(Exception):  # noqa: B017, PT011 - any connection error
            await client.get_setup()

    # A task that never ran our code, like core's overkiz.
    await asyncio.create_task(someone_else(), context=contextvars.Context())

    giving_up = [
        r for r in _lines(caplog, "pyoverkiz") if r.getMessage().startswith("Giving up")
    ]
    assert giving_up
    assert all(r.levelno == logging.ERROR for r in giving_up)


async def test_pyoverkiz_debug_log_shows_everything(
    hass: HomeAssistant,
    make_sim: SimFactory,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    sim: GatewaySimulator = await make_sim(house=shutters_house(1), mode="local")
    entry = await setup_entry(hass, sim, monkeypatch)
    caplog.set_level(logging.DEBUG, logger="pyoverkiz")
    sim.go_down()

    await entry.runtime_data.async_refresh()

    assert any(
        r.getMessage().startswith("Giving up") for r in _lines(caplog, "pyoverkiz")
    )
