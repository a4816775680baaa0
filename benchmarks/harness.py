"""Home Assistant in-process on a simulated gateway, and what the gateway saw.

Home Assistant is built the way pytest-homeassistant-custom-component builds the
test instance (``async_test_home_assistant``), so the integration runs exactly as
in the tests, with a real socket to the simulator. Measurements are read from the
simulator's statistics, never from the integration itself.
"""

from __future__ import annotations

# Our custom_components first: the test plugin ships a package of that name too.
import custom_components.overkiz_batch  # noqa: F401  # isort: skip

import asyncio
from collections import Counter
from contextlib import asynccontextmanager
from dataclasses import dataclass
import math
import tempfile
from typing import TYPE_CHECKING, Any
from unittest.mock import patch

from aiohttp.resolver import AsyncResolver
from homeassistant import config_entries, loader
from homeassistant.config_entries import ConfigEntryState
from homeassistant.const import CONF_HOST, CONF_TOKEN, CONF_VERIFY_SSL
from homeassistant.data_entry_flow import FlowResultType
from homeassistant.helpers import frame, translation
from homeassistant.helpers.entity_platform import DATA_DOMAIN_PLATFORM_ENTITIES
from homeassistant.setup import async_setup_component
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    async_test_home_assistant,
)

from custom_components.overkiz_batch import const
from simulator import GatewaySimulator, shutters_house

if TYPE_CHECKING:
    from collections.abc import AsyncIterator, Callable

    from homeassistant.config_entries import ConfigEntry
    from homeassistant.core import HomeAssistant

# Simulated time runs this many times faster than the benchmark's clock: a
# shutter's 20 s travel takes 2 s. Queue delays and issue intervals stay real.
SPEED = 10.0
# How often the watcher looks at the simulator.
WATCH_INTERVAL = 0.01
# A run gives up waiting for the gateway after this long.
RUN_TIMEOUT = 120.0

CLOSED = 100  # core:ClosureState of a closed shutter
CLOSE = "close"
CORE_DOMAIN = "overkiz"  # Home Assistant core's own integration
EXEC_APPLY = "exec/apply"


class StampedCalls(Counter[str]):
    """The simulator's call counter, also noting when each exec/apply arrived."""

    def __init__(self, clock: Callable[[], float]) -> None:
        super().__init__()
        self.clock = clock
        self.exec_apply_at: list[float] = []

    def __setitem__(self, key: str, value: int) -> None:
        if key == EXEC_APPLY:
            self.exec_apply_at.append(self.clock())
        super().__setitem__(key, value)

    def clear(self) -> None:
        super().clear()
        self.exec_apply_at.clear()


def stamp_calls(sim: GatewaySimulator) -> StampedCalls:
    """Make the simulator note when each exec/apply arrives (loop time)."""
    calls = StampedCalls(asyncio.get_running_loop().time)
    sim.stats.calls = calls
    return calls


@dataclass
class Outcome:
    """What one burst or trickle run cost, as the gateway saw it."""

    exec_apply: int  # exec/apply calls, accepted or not
    refused: int  # executions the gateway refused
    lost: int  # issued commands never executed
    twice: int  # commands executed more than once
    accepted_s: float | None  # until every command ran (None: some never did)
    closed_s: float | None  # until every shutter was closed


class Watch:
    """Follow a simulator while commands go out: when were all accepted, closed."""

    def __init__(self, sim: GatewaySimulator, urls: list[str]) -> None:
        self.sim = sim
        self.urls = urls
        self.start = 0.0
        self.accepted_at: float | None = None
        self.closed_at: float | None = None

    def _all_accepted(self) -> bool:
        commands = self.sim.stats.device_commands
        return all(
            any(name == CLOSE for name, _ in commands.get(url, ())) for url in self.urls
        )

    def _all_closed(self) -> bool:
        return all(
            self.sim.state(url, "core:ClosureState") == CLOSED for url in self.urls
        )

    def _look(self, now: float) -> None:
        if self.accepted_at is None and self._all_accepted():
            self.accepted_at = now - self.start
        if self.closed_at is None and self._all_closed():
            self.closed_at = now - self.start

    async def run(self, callers: asyncio.Future[Any]) -> None:
        """Watch until every shutter closed, or the callers are done and idle."""
        loop = asyncio.get_running_loop()
        self.start = loop.time()
        deadline = self.start + RUN_TIMEOUT
        while True:
            now = loop.time()
            self._look(now)
            if self.closed_at is not None and callers.done():
                return
            if callers.done() and self.sim.running_executions == 0:
                self._look(loop.time())
                return
            if now > deadline:
                return
            await asyncio.sleep(WATCH_INTERVAL)

    def outcome(self) -> Outcome:
        """Count the gateway's view of the run: one close issued per shutter."""
        stats = self.sim.stats
        lost = twice = 0
        for url in self.urls:
            ran = sum(
                1 for name, _ in stats.device_commands.get(url, ()) if name == CLOSE
            )
            lost += max(0, 1 - ran)
            twice += max(0, ran - 1)
        return Outcome(
            exec_apply=stats.calls["exec/apply"],
            refused=stats.executions_rejected,
            lost=lost,
            twice=twice,
            accepted_s=self.accepted_at,
            closed_s=self.closed_at,
        )


@asynccontextmanager
async def simulated_house(
    n: int, speed: float = SPEED
) -> AsyncIterator[GatewaySimulator]:
    """A local gateway with ``n`` open shutters, at benchmark speed."""
    async with GatewaySimulator(
        house=shutters_house(n), mode="local", speed=speed
    ) as sim:
        yield sim


@asynccontextmanager
async def home_assistant() -> AsyncIterator[HomeAssistant]:
    """Home Assistant as the tests build it, with custom integrations enabled."""
    # Home Assistant's resolver needs zeroconf and the network component; the test
    # plugin swaps in a plain resolver the same way.
    resolver = AsyncResolver()
    resolver.real_close = resolver.close  # type: ignore[attr-defined]
    with (
        tempfile.TemporaryDirectory(prefix="overkiz-batch-bench-") as config_dir,
        patch(
            "homeassistant.helpers.aiohttp_client._async_make_resolver",
            return_value=resolver,
        ),
    ):
        async with async_test_home_assistant(config_dir=config_dir) as hass:
            hass.data.pop(loader.DATA_CUSTOM_COMPONENTS, None)
            frame.async_setup(hass)
            await translation.async_load_integrations(hass, {"homeassistant"})
            assert await async_setup_component(hass, "homeassistant", {})
            try:
                yield hass
            finally:
                for entry in hass.config_entries.async_entries():
                    if entry.state is ConfigEntryState.LOADED:
                        await hass.config_entries.async_unload(entry.entry_id)
                await hass.async_stop(force=True)


@asynccontextmanager
async def integration(
    hass: HomeAssistant, sim: GatewaySimulator, options: dict[str, Any]
) -> AsyncIterator[MockConfigEntry]:
    """Set the integration up on ``sim`` with these options; unload it after."""
    entry = MockConfigEntry(
        domain=const.DOMAIN,
        unique_id=sim.gateway_id,
        title="Simulated gateway",
        data={
            const.CONF_HUB: "somfy_europe",
            const.CONF_API_TYPE: const.API_TYPE_LOCAL,
            CONF_HOST: sim.host,
            CONF_TOKEN: sim.token,
            CONF_VERIFY_SSL: False,
            const.CONF_GATEWAY_ID: sim.gateway_id,
        },
        options=options,
    )
    entry.add_to_hass(hass)
    if not await hass.config_entries.async_setup(entry.entry_id):
        raise RuntimeError(f"the integration did not set up: {entry.state}")
    await hass.async_block_till_done()
    try:
        yield entry
    finally:
        await hass.config_entries.async_unload(entry.entry_id)
        await hass.async_block_till_done()


@asynccontextmanager
async def core_integration(
    hass: HomeAssistant, sim: GatewaySimulator
) -> AsyncIterator[ConfigEntry]:
    """Home Assistant core's overkiz, added through its config flow (local API).

    Its code runs as installed. Only its start-up import of Rexel's OAuth client
    into application credentials is skipped: that needs Home Assistant's HTTP
    server, and no Rexel account is involved here.
    """
    with patch(
        "homeassistant.components.overkiz.async_import_client_credential",
        return_value=None,
    ):
        hass.config.components.add("application_credentials")
        flow = hass.config_entries.flow
        result = await flow.async_init(
            CORE_DOMAIN, context={"source": config_entries.SOURCE_USER}
        )
        result = await flow.async_configure(result["flow_id"], {"hub": "somfy_europe"})
        result = await flow.async_configure(result["flow_id"], {"api_type": "local"})
        result = await flow.async_configure(
            result["flow_id"],
            {CONF_HOST: sim.host, CONF_TOKEN: sim.token, CONF_VERIFY_SSL: False},
        )
        if result["type"] is not FlowResultType.CREATE_ENTRY:
            raise RuntimeError(f"core's overkiz flow did not finish: {result}")
        entry = result["result"]
        await hass.async_block_till_done()
        if entry.state is not ConfigEntryState.LOADED:
            raise RuntimeError(f"core's overkiz did not set up: {entry.state}")
        try:
            yield entry
        finally:
            await hass.config_entries.async_unload(entry.entry_id)
            await hass.async_block_till_done()


def cover_entities(hass: HomeAssistant, entry: ConfigEntry) -> list[str]:
    """The cover entity ids of the entry, in device order."""
    platform = hass.data[DATA_DOMAIN_PLATFORM_ENTITIES].get(("cover", entry.domain), {})
    covers = {
        entity_id: entity
        for entity_id, entity in platform.items()
        if entity.platform.config_entry is entry
    }
    return sorted(covers, key=lambda e: covers[e].unique_id or "")


def ideal_executions(n: int, max_actions: int) -> int:
    """The fewest executions n commands can take in batches of max_actions."""
    return math.ceil(n / max_actions)
