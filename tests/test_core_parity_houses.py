"""Every entity core's overkiz makes on our simulator houses, we make too.

The take-over maps entities by unique id: one core has and we lack stays
behind with core's disabled entry. The real dumps are measured by
``scripts/parity``; this holds for the houses a plain clone tests with.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from homeassistant.helpers import entity_registry as er
import pytest

from simulator import GatewaySimulator, load_house
from simulator.actuator_houses import actuators_house
from simulator.climate_houses import climate_house
from simulator.switches import switches_house
from tests.gateway_setup import setup_entry
from tests.takeover_setup import setup_core

if TYPE_CHECKING:
    from homeassistant.core import HomeAssistant

pytestmark = pytest.mark.usefixtures("socket_enabled")


def unique_ids(hass: HomeAssistant, entry_id: str) -> set[tuple[str, str]]:
    """The (platform, unique id) pairs of an entry's entities."""
    return {
        (entry.domain, entry.unique_id)
        for entry in er.async_entries_for_config_entry(er.async_get(hass), entry_id)
    }


@pytest.mark.parametrize(
    "house",
    [
        load_house("default"),
        load_house("sensors"),
        load_house("controls"),
        actuators_house(),
        climate_house(),
        switches_house(),
    ],
    ids=["default", "sensors", "controls", "actuators", "climate", "switches"],
)
async def test_we_make_every_entity_core_makes(
    hass: HomeAssistant, house: dict[str, Any]
) -> None:
    async with GatewaySimulator(house=house, mode="local", speed=100) as sim:
        core = await setup_core(hass, sim)
        theirs = unique_ids(hass, core.entry_id)
        await hass.config_entries.async_unload(core.entry_id)
        await hass.async_block_till_done()
        ours = await setup_entry(hass, sim)
        mine = unique_ids(hass, ours.entry_id)
        await hass.config_entries.async_unload(ours.entry_id)
        await hass.async_block_till_done()
    assert theirs  # core did set the house up
    assert sorted(theirs - mine) == []
