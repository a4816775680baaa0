"""Shared fixtures for the Overkiz Batch tests."""

from __future__ import annotations

# Import the project's custom_components before any test: the test plugin ships a
# custom_components package of its own, and Home Assistant must find ours.
import custom_components.overkiz_batch  # noqa: F401  # isort: skip

import asyncio
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
import socket
from typing import Any
from unittest.mock import patch

from aiohttp.abc import ResolveResult
from aiohttp.resolver import AsyncResolver
import backoff._async
from homeassistant.config_entries import ConfigEntryState
from homeassistant.core import HomeAssistant
import pytest
from pytest_homeassistant_custom_component.syrupy import HomeAssistantSnapshotExtension
from syrupy.assertion import SnapshotAssertion

from custom_components.overkiz_batch.const import DOMAIN
from simulator import GatewaySimulator
from tests.gateway_setup import SimFactory

SHARED = Path(__file__).resolve().parents[1].parent / "shared"
SHARED_FIXTURES = SHARED / "fixtures" / "overkiz"


@pytest.fixture(autouse=True)
def auto_enable_custom_integrations(request: pytest.FixtureRequest) -> None:
    """Let Home Assistant load the integration from this checkout in tests that run it.

    Pure unit tests (queue, guards, simulator) do not start Home Assistant.
    """
    if "hass" in request.fixturenames:
        request.getfixturevalue("enable_custom_integrations")


def shared_dumps() -> list[Path]:
    """The real gateway dumps beside the checkout, or none where ../shared is absent."""
    if not SHARED_FIXTURES.is_dir():
        return []
    return sorted(SHARED_FIXTURES.glob("setup_*.json"))


class _NoWaitAsyncio:
    """asyncio for pyoverkiz's backoff retries, without the waits between tries."""

    def __getattr__(self, name: str) -> Any:
        return getattr(asyncio, name)

    @staticmethod
    async def sleep(delay: float, result: Any = None) -> Any:
        await asyncio.sleep(0)
        return result


@pytest.fixture
def snapshot(snapshot: SnapshotAssertion) -> SnapshotAssertion:
    """Snapshots in Home Assistant's format, all in tests/snapshots."""
    return snapshot.use_extension(HomeAssistantSnapshotExtension)


@pytest.fixture
def no_retry_waits(monkeypatch: pytest.MonkeyPatch) -> None:
    """Keep pyoverkiz's retries (a refused connection is tried 3 times) instant."""
    monkeypatch.setattr(backoff._async, "asyncio", _NoWaitAsyncio())


class _IPv4Resolver(AsyncResolver):
    """Resolve to IPv4 only: the simulators listen on 127.0.0.1 alone."""

    async def resolve(
        self, host: str, port: int = 0, family: socket.AddressFamily = socket.AF_INET
    ) -> list[ResolveResult]:
        return await super().resolve(host, port, socket.AF_INET)


def _resolver_on_this_loop(hass: HomeAssistant) -> AsyncResolver:
    resolver = _IPv4Resolver()
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
