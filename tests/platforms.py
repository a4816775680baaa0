"""Home Assistant on a simulated gateway, for the cover, climate and switch tests."""

from __future__ import annotations

from contextlib import asynccontextmanager
from typing import TYPE_CHECKING, Any
from unittest.mock import patch

from homeassistant.const import Platform
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    snapshot_platform,
)

from custom_components.overkiz_batch.const import DOMAIN
from simulator import GatewaySimulator
from tests.gateway_setup import FAST_OPTIONS, local_entry_data

if TYPE_CHECKING:
    from collections.abc import AsyncIterator, Mapping

    from homeassistant.core import HomeAssistant
    from syrupy.assertion import SnapshotAssertion

    from custom_components.overkiz_batch.coordinator import OverkizBatchCoordinator


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


@asynccontextmanager
async def gateway(
    hass: HomeAssistant,
    platform: Platform,
    house: str | Mapping[str, Any] = "default",
    **options: Any,
) -> AsyncIterator[Gateway]:
    """Run one platform of the integration on a simulated local gateway."""
    async with GatewaySimulator(house=house, mode="local", speed=1.0) as sim:
        entry = MockConfigEntry(
            domain=DOMAIN,
            unique_id=sim.gateway_id,
            title="simulator",
            data=local_entry_data(sim),
            options=FAST_OPTIONS | options,
        )
        entry.add_to_hass(hass)
        with patch("custom_components.overkiz_batch.PLATFORMS", [platform]):
            assert await hass.config_entries.async_setup(entry.entry_id)
            await hass.async_block_till_done()
            try:
                yield Gateway(hass, sim, entry)
            finally:
                await hass.config_entries.async_unload(entry.entry_id)
                await hass.async_block_till_done()
