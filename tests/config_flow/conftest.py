"""Fixtures of the config flow tests: simulators, and every result translated."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Iterator
import ssl
from typing import Any
from unittest.mock import patch

from homeassistant.config_entries import (
    ConfigEntriesFlowManager,
    OptionsFlowManager,
)
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowManager
import pytest

from custom_components.overkiz_batch.const import (
    DOMAIN,
)
from simulator import GatewaySimulator
from simulator.houses import default_house, gateway
from tests.config_flow.helpers import (
    CLOUD_HUB,
    COZYTOUCH_HUB,
    LOCAL_HUB,
    assert_translated,
)
from tests.gateway_setup import (
    register_hub,
)


@pytest.fixture(autouse=True)
def every_result_translated(monkeypatch: pytest.MonkeyPatch) -> None:
    """Check each flow result the tests see against en.json."""
    for manager, method in [
        (ConfigEntriesFlowManager, "async_init"),
        (OptionsFlowManager, "async_init"),
        (FlowManager, "async_configure"),
    ]:
        original = getattr(manager, method)

        async def checked(
            self: FlowManager, *args: Any, _original: Any = original, **kwargs: Any
        ) -> Any:
            result = await _original(self, *args, **kwargs)
            is_options = isinstance(self, OptionsFlowManager)
            assert_translated("options" if is_options else "config", result)
            return result

        monkeypatch.setattr(manager, method, checked)


@pytest.fixture
async def mock_setup_entry(hass: HomeAssistant) -> AsyncIterator[Any]:
    """Keep flows from starting the integration: these tests are about the flow."""
    with (
        patch(
            "custom_components.overkiz_batch.async_setup_entry",
            return_value=True,
            create=True,
        ) as setup_entry,
        patch(
            "custom_components.overkiz_batch.async_unload_entry",
            return_value=True,
            create=True,
        ),
    ):
        yield setup_entry
        for entry in hass.config_entries.async_entries(DOMAIN):
            await hass.config_entries.async_unload(entry.entry_id)


@pytest.fixture
def refused_handshakes(hass: HomeAssistant) -> Iterator[None]:
    """Let the simulator's server see TLS handshakes the client walked out of.

    A client that rejects the certificate drops the connection mid-handshake, which
    asyncio reports on the server's side; the test fixture would fail on it.
    """
    loop = hass.loop
    handler = loop.get_exception_handler()
    assert handler is not None

    def ignore_refused(
        loop: asyncio.AbstractEventLoop, context: dict[str, Any]
    ) -> None:
        if context.get("message") == (
            "Error on transport creation for incoming connection"
        ) and isinstance(context.get("exception"), (ConnectionError, ssl.SSLError)):
            return
        handler(loop, context)

    loop.set_exception_handler(ignore_refused)
    yield
    loop.set_exception_handler(handler)


@pytest.fixture
async def local_sim(hass: HomeAssistant) -> AsyncIterator[GatewaySimulator]:
    async with GatewaySimulator(mode="local") as sim:
        yield sim


@pytest.fixture
async def cloud_sim(
    hass: HomeAssistant, monkeypatch: pytest.MonkeyPatch
) -> AsyncIterator[GatewaySimulator]:
    async with GatewaySimulator(mode="cloud") as sim:
        for hub in (CLOUD_HUB, LOCAL_HUB, COZYTOUCH_HUB):
            register_hub(monkeypatch, hub, sim.server_config)
        yield sim


def _three_gateway_house() -> dict[str, Any]:
    house = default_house()
    # The third is of a type pyoverkiz does not know.
    house["gateways"] += [
        gateway("2222-2222-2222"),
        gateway("3333-3333-3333") | {"type": 9999},
    ]
    return house


@pytest.fixture
async def multi_sim(
    hass: HomeAssistant, monkeypatch: pytest.MonkeyPatch
) -> AsyncIterator[GatewaySimulator]:
    async with GatewaySimulator(house=_three_gateway_house(), mode="cloud") as sim:
        register_hub(monkeypatch, CLOUD_HUB, sim.server_config)
        yield sim
