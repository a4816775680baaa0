"""Home Assistant's own overkiz integration, unchanged, on the cloud simulator.

The simulator must be faithful enough for the reference integration: it sets up
through the cloud API (setup, action groups, event listener) and its scenes run.
Only pyoverkiz's server table is pointed at the simulator.
"""

from __future__ import annotations

from homeassistant.components.scene import DOMAIN as SCENE_DOMAIN
from homeassistant.config_entries import ConfigEntryState
from homeassistant.const import CONF_PASSWORD, CONF_USERNAME, SERVICE_TURN_ON
from homeassistant.core import HomeAssistant
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from simulator.houses import DEFAULT_GATEWAY_ID as GW
from tests.gateway_setup import SimFactory

CORE = "overkiz"
HUB = "simulated_cloud"
SHUTTERS = [f"io://{GW}/{1001 + n}" for n in range(12)]


async def test_core_overkiz_sets_up_on_the_cloud_simulator_and_runs_scenes(
    hass: HomeAssistant, make_sim: SimFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    sim = await make_sim(house="default", mode="cloud")
    monkeypatch.setattr("pyoverkiz.client.SUPPORTED_SERVERS", {HUB: sim.server_config})
    entry = MockConfigEntry(
        domain=CORE,
        version=1,
        minor_version=2,
        unique_id=sim.gateway_id,
        data={
            "hub": HUB,
            "api_type": "cloud",
            CONF_USERNAME: sim.username,
            CONF_PASSWORD: sim.password,
        },
    )
    entry.add_to_hass(hass)
    try:
        assert await hass.config_entries.async_setup(entry.entry_id)
        await hass.async_block_till_done()
        assert entry.state is ConfigEntryState.LOADED
        assert sim.stats.calls["actionGroups"] == 1

        scenes = sorted(hass.states.async_entity_ids(SCENE_DOMAIN))
        assert scenes == [
            "scene.close_every_shutter",
            "scene.good_morning",
            "scene.leaving_home",
        ]
        assert len(hass.states.async_entity_ids("cover")) >= 12

        await hass.services.async_call(
            SCENE_DOMAIN,
            SERVICE_TURN_ON,
            {"entity_id": "scene.close_every_shutter"},
            blocking=True,
        )
        await sim.settle()
        assert sim.stats.calls["exec/{oid}"] == 1
        assert all(sim.state(url, "core:ClosureState") == 100 for url in SHUTTERS)
    finally:
        await hass.config_entries.async_unload(entry.entry_id)
        await hass.async_block_till_done()
