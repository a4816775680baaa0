"""The one harness: Home Assistant set up on a simulated gateway, and what tests ask.

``setup_entry`` sets the integration up on a simulator (all platforms);
``start_gateway`` starts a simulator too; ``gateway`` runs one platform on a
real-time local simulator, for the platform tests. The fixtures that start
simulators (``make_sim``, ``sim``) are in conftest.py.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable, Mapping
from contextlib import asynccontextmanager
from types import MappingProxyType
from typing import Any
from unittest.mock import patch

from homeassistant.config_entries import ConfigEntry, ConfigEntryState
from homeassistant.const import (
    CONF_HOST,
    CONF_PASSWORD,
    CONF_TOKEN,
    CONF_USERNAME,
    CONF_VERIFY_SSL,
    Platform,
)
from homeassistant.core import HomeAssistant
from homeassistant.helpers.entity import EntityDescription
from homeassistant.helpers.entity_platform import DATA_DOMAIN_PLATFORM_ENTITIES
from pyoverkiz.models import ServerConfig
import pytest
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    MockEntityPlatform,
    snapshot_platform,
)
from syrupy.assertion import SnapshotAssertion

from custom_components.overkiz_batch import client
from custom_components.overkiz_batch.const import (
    API_TYPE_CLOUD,
    API_TYPE_LOCAL,
    CONF_API_TYPE,
    CONF_BUSY_MODE,
    CONF_GATEWAY_ID,
    CONF_HUB,
    CONF_MAX_ACTIONS,
    CONF_QUEUE_DELAY,
    CONF_REFRESH_THROTTLE,
    DOMAIN,
)
from custom_components.overkiz_batch.coordinator import OverkizBatchCoordinator
from custom_components.overkiz_batch.entity import OverkizBatchEntity
from simulator import GatewaySimulator

LOCAL_HUB = "somfy_europe"
CLOUD_HUB = "sim_cloud"  # registered as a hub by the cloud setup

type SimFactory = Callable[..., Awaitable[GatewaySimulator]]

# Tests batch on the next loop turn: no real delay to wait for.
FAST_OPTIONS: dict[str, Any] = {
    CONF_QUEUE_DELAY: 0.0,
    CONF_MAX_ACTIONS: 20,
    CONF_BUSY_MODE: "queue",
    CONF_REFRESH_THROTTLE: 10.0,
}


def local_entry_data(sim: GatewaySimulator) -> dict[str, Any]:
    """Entry data reaching a local simulator with its developer-mode token."""
    return {
        CONF_API_TYPE: API_TYPE_LOCAL,
        CONF_HUB: LOCAL_HUB,
        CONF_HOST: sim.host,
        CONF_TOKEN: sim.token,
        CONF_VERIFY_SSL: False,
        CONF_GATEWAY_ID: sim.gateway_id,
    }


def cloud_entry_data(sim: GatewaySimulator, hub: str = CLOUD_HUB) -> dict[str, Any]:
    """Entry data logging in to a cloud simulator registered as ``hub``."""
    return {
        CONF_API_TYPE: API_TYPE_CLOUD,
        CONF_HUB: hub,
        CONF_USERNAME: sim.username,
        CONF_PASSWORD: sim.password,
        CONF_GATEWAY_ID: sim.gateway_id,
    }


def register_hub(
    monkeypatch: pytest.MonkeyPatch, hub: str, server: ServerConfig
) -> None:
    """Point a hub of the hub picker at a simulator, for this test only."""
    servers = {**vars(client)["SUPPORTED_SERVERS"], hub: server}
    monkeypatch.setattr(client, "SUPPORTED_SERVERS", MappingProxyType(servers))


def entry_data(
    sim: GatewaySimulator, monkeypatch: pytest.MonkeyPatch | None = None
) -> dict[str, Any]:
    """Entry data reaching ``sim`` (a cloud simulator is registered as a hub)."""
    if sim.mode == "local":
        return local_entry_data(sim)
    assert monkeypatch is not None, "a cloud simulator is registered as a hub"
    register_hub(monkeypatch, CLOUD_HUB, sim.server_config)
    return cloud_entry_data(sim)


async def setup_entry(
    hass: HomeAssistant,
    sim: GatewaySimulator,
    monkeypatch: pytest.MonkeyPatch | None = None,
    **options: Any,
) -> MockConfigEntry:
    """Add an entry for ``sim`` and set it up (queue delay 0 unless given).

    ``monkeypatch`` registers a cloud simulator as a hub; a local one needs none.
    """
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


class Probe(OverkizBatchEntity):
    """The smallest platform entity: it only runs commands."""


def entry_state(entry: ConfigEntry) -> ConfigEntryState:
    """The entry's state now (not the one an earlier assertion narrowed it to)."""
    return entry.state


def update_ok(coordinator: OverkizBatchCoordinator) -> bool:
    """Whether the coordinator's last poll succeeded (read now, not narrowed)."""
    return coordinator.last_update_success


def state_of(hass: HomeAssistant, entity_id: str) -> str:
    """An entity's state; the entity must exist."""
    state = hass.states.get(entity_id)
    assert state is not None, entity_id
    return state.state


def entity_of(hass: HomeAssistant, entity_id: str) -> OverkizBatchEntity:
    """The integration's entity object with this entity id."""
    platforms = hass.data[DATA_DOMAIN_PLATFORM_ENTITIES]
    entity = platforms[(entity_id.partition(".")[0], DOMAIN)][entity_id]
    assert isinstance(entity, OverkizBatchEntity)
    return entity


def entity_ids_of(hass: HomeAssistant, domain: str) -> dict[str, str]:
    """The integration's entities of a platform: entity id to device URL."""
    platform = hass.data[DATA_DOMAIN_PLATFORM_ENTITIES].get((domain, DOMAIN), {})
    return {
        entity_id: entity.device_url
        for entity_id, entity in platform.items()
        if isinstance(entity, OverkizBatchEntity)
    }


async def add_probes(
    hass: HomeAssistant, entry: MockConfigEntry, *numbers: int
) -> list[Probe]:
    """Add a probe entity for each shutter ``io://<gateway>/<1000 + number>``."""
    coordinator = coordinator_of(entry)
    gateway = coordinator.gateway_id
    probe = EntityDescription(key="probe")
    probes = [Probe(coordinator, f"io://{gateway}/{1000 + n}", probe) for n in numbers]
    platform = MockEntityPlatform(hass, domain="lock", platform_name=DOMAIN)
    await platform.async_add_entities(probes)
    return probes


async def snapshot_entities(
    gw: Gateway, entity_registry: Any, snapshot: SnapshotAssertion
) -> None:
    """Snapshot the platform's entities in Home Assistant's format (no ids, times)."""
    await snapshot_platform(
        gw.hass,
        entity_registry,
        snapshot,
        gw.entry.entry_id,
    )


class Gateway:
    """A simulator and the config entry Home Assistant runs on it."""

    hass: HomeAssistant
    sim: GatewaySimulator
    entry: MockConfigEntry

    def __init__(
        self, hass: HomeAssistant, sim: GatewaySimulator, entry: MockConfigEntry
    ) -> None:
        self.hass = hass
        self.sim = sim
        self.entry = entry

    @property
    def coordinator(self) -> OverkizBatchCoordinator:
        """The entry's coordinator."""
        coordinator: OverkizBatchCoordinator = self.entry.runtime_data
        return coordinator

    async def sync(self) -> None:
        """Let the gateway finish its work, then read its events."""
        await self.hass.async_block_till_done()
        await self.sim.settle()
        await self.poll()

    async def poll(self) -> None:
        """Read the listener's events now, as the coordinator's timer would."""
        await self.coordinator.async_refresh()
        await self.hass.async_block_till_done()

    async def call(
        self, domain: str, service: str, entity_id: Any, **data: Any
    ) -> None:
        """Call an entity service and wait until the gateway accepted it."""
        await self.hass.services.async_call(
            domain, service, {"entity_id": entity_id, **data}, blocking=True
        )

    def commands(self, device_url: str) -> list[tuple[str, list[Any]]]:
        """The commands the device ran, in order."""
        return self.sim.stats.device_commands.get(device_url, [])


async def start_gateway(
    hass: HomeAssistant,
    make_sim: SimFactory,
    monkeypatch: pytest.MonkeyPatch,
    *,
    options: Mapping[str, Any] | None = None,
    **sim_options: Any,
) -> Gateway:
    """Start a simulator (default house, local unless told) and the integration on it.

    The simulators and entries go at the end of the test (``make_sim``).
    """
    sim_options.setdefault("house", "default")
    sim_options.setdefault("mode", "local")
    sim = await make_sim(**sim_options)
    entry = await setup_entry(hass, sim, monkeypatch, **(options or {}))
    return Gateway(hass, sim, entry)


@asynccontextmanager
async def gateway(
    hass: HomeAssistant,
    platform: Platform,
    house: str | Mapping[str, Any] = "default",
    **options: Any,
) -> AsyncIterator[Gateway]:
    """Run one platform of the integration on a simulated local gateway."""
    async with GatewaySimulator(house=house, mode="local", speed=1.0) as sim:
        with patch("custom_components.overkiz_batch.PLATFORMS", [platform]):
            entry = await setup_entry(hass, sim, **(FAST_OPTIONS | options))
            assert entry.state is ConfigEntryState.LOADED
            try:
                yield Gateway(hass, sim, entry)
            finally:
                await hass.config_entries.async_unload(entry.entry_id)
                await hass.async_block_till_done()
