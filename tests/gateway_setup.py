"""Set Home Assistant up against the simulated gateway, for the core's tests.

Import the fixtures into a test module (``from tests.gateway_setup import ...``);
pytest finds them there.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from typing import Any
from unittest.mock import patch

from aiohttp.resolver import AsyncResolver
import backoff._async
from homeassistant.config_entries import ConfigEntryState
from homeassistant.const import (
    CONF_HOST,
    CONF_PASSWORD,
    CONF_TOKEN,
    CONF_USERNAME,
    CONF_VERIFY_SSL,
)
from homeassistant.core import HomeAssistant
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.overkiz_batch.client import SERVERS
from custom_components.overkiz_batch.const import (
    API_TYPE_CLOUD,
    API_TYPE_LOCAL,
    CONF_API_TYPE,
    CONF_GATEWAY_ID,
    CONF_HUB,
    CONF_QUEUE_DELAY,
    DOMAIN,
)
from custom_components.overkiz_batch.coordinator import OverkizBatchCoordinator
from simulator import GatewaySimulator

LOCAL_HUB = "somfy_europe"
CLOUD_HUB = "sim_cloud"  # registered in SERVERS by the cloud setup


class _NoWaitAsyncio:
    """asyncio for pyoverkiz's backoff retries, without the waits between tries."""

    def __getattr__(self, name: str) -> Any:
        return getattr(asyncio, name)

    @staticmethod
    async def sleep(delay: float, result: Any = None) -> Any:
        await asyncio.sleep(0)
        return result


@pytest.fixture
def no_retry_waits(monkeypatch: pytest.MonkeyPatch) -> None:
    """Keep pyoverkiz's retries (a refused connection is tried 3 times) instant."""
    monkeypatch.setattr(backoff._async, "asyncio", _NoWaitAsyncio())


type SimFactory = Callable[..., Awaitable[GatewaySimulator]]


def _resolver_on_this_loop(hass: HomeAssistant) -> AsyncResolver:
    resolver = AsyncResolver()
    resolver.real_close = resolver.close  # type: ignore[attr-defined]
    return resolver


@pytest.fixture
def resolver_on_test_loop(disable_mock_zeroconf_resolver: None) -> Iterator[None]:
    """Resolve "localhost" (the cloud simulator) on the test's own event loop.

    The test plugin's stand-in resolver is made once, on the session's loop, and
    fails on a test's loop with "attached to a different loop".
    """
    with patch(
        "homeassistant.helpers.aiohttp_client._async_make_resolver",
        side_effect=_resolver_on_this_loop,
    ):
        yield


@pytest.fixture
async def make_sim(
    hass: HomeAssistant, socket_enabled: None, resolver_on_test_loop: None
) -> AsyncIterator[SimFactory]:
    """Start simulated gateways (GatewaySimulator's arguments; speed 100).

    Sockets are enabled for them; pytest-socket still allows 127.0.0.1 only. At
    the end the entries are unloaded first, so no connection outlives the test.
    """
    started: list[GatewaySimulator] = []

    async def make(**kwargs: Any) -> GatewaySimulator:
        kwargs.setdefault("speed", 100)
        gateway = GatewaySimulator(**kwargs)
        await gateway.start()
        started.append(gateway)
        return gateway

    yield make
    for entry in hass.config_entries.async_entries(DOMAIN):
        if entry.state is ConfigEntryState.LOADED:
            await hass.config_entries.async_unload(entry.entry_id)
    await hass.async_block_till_done()
    for gateway in started:
        await gateway.stop()


@pytest.fixture
async def sim(make_sim: SimFactory) -> GatewaySimulator:
    """The default house on a local gateway."""
    return await make_sim(house="default", mode="local")


def entry_data(
    sim: GatewaySimulator, monkeypatch: pytest.MonkeyPatch
) -> dict[str, Any]:
    """Entry data reaching ``sim`` (a cloud simulator is registered as a hub)."""
    if sim.mode == "local":
        return {
            CONF_API_TYPE: API_TYPE_LOCAL,
            CONF_HUB: LOCAL_HUB,
            CONF_HOST: sim.host,
            CONF_TOKEN: sim.token,
            CONF_VERIFY_SSL: False,
            CONF_GATEWAY_ID: sim.gateway_id,
        }
    monkeypatch.setitem(SERVERS, CLOUD_HUB, sim.server_config)
    return {
        CONF_API_TYPE: API_TYPE_CLOUD,
        CONF_HUB: CLOUD_HUB,
        CONF_USERNAME: sim.username,
        CONF_PASSWORD: sim.password,
        CONF_GATEWAY_ID: sim.gateway_id,
    }


async def setup_entry(
    hass: HomeAssistant,
    sim: GatewaySimulator,
    monkeypatch: pytest.MonkeyPatch,
    **options: Any,
) -> MockConfigEntry:
    """Add an entry for ``sim`` and set it up (queue delay 0 unless given)."""
    options.setdefault(CONF_QUEUE_DELAY, 0.0)
    entry = MockConfigEntry(
        domain=DOMAIN,
        title="Gateway",
        unique_id=sim.gateway_id,
        data=entry_data(sim, monkeypatch),
        options=options,
    )
    entry.add_to_hass(hass)
    await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    return entry


def coordinator_of(entry: MockConfigEntry) -> OverkizBatchCoordinator:
    """The entry's coordinator, typed."""
    coordinator: OverkizBatchCoordinator = entry.runtime_data
    return coordinator


async def poll(hass: HomeAssistant, coordinator: OverkizBatchCoordinator) -> None:
    """Fetch the listener's events now, as the timer would."""
    await coordinator.async_refresh()
    await hass.async_block_till_done()
