"""Taking over a cloud account of two gateways from overkiz, one after the other.

overkiz runs the whole account in one entry (its unique id is the first
gateway's); we run one entry per gateway. Each gateway moves when it is added,
with its entity ids; overkiz is enabled again only with the last one back.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from homeassistant.config_entries import ConfigEntryDisabler, ConfigEntryState
from homeassistant.helpers import (
    area_registry as ar,
    device_registry as dr,
    entity_registry as er,
    issue_registry as ir,
)
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.overkiz_batch.const import CONF_GATEWAY_ID, DOMAIN
from custom_components.overkiz_batch.takeover import CORE_DOMAIN, core_entry
from simulator.houses import DEFAULT_GATEWAY_ID as GW_A, load_house, with_gateway_id
from tests.gateway_setup import FAST_OPTIONS, cloud_entry_data, entry_state
from tests.takeover_setup import (
    CLOUD_HUB,
    add_automations,
    confirm_take_over,
    entity_id,
    fix,
    kept,
    owned,
    setup_core_cloud,
    start_cloud_take_over,
    wait_for_commands,
)

if TYPE_CHECKING:
    from homeassistant.core import HomeAssistant

    from simulator import GatewaySimulator
    from tests.gateway_setup import SimFactory

pytestmark = pytest.mark.usefixtures("socket_enabled")

GW_B = "1234-5678-9012"
SHUTTER_A = f"io://{GW_A}/1001"
SHUTTER_B = f"io://{GW_B}/100001"


def two_gateway_house() -> dict[str, Any]:
    """The default house, and a barn of three shutters on a second gateway."""
    house = load_house("default")
    barn = with_gateway_id(load_house("shutters:3"), GW_B)
    house["gateways"] += barn["gateways"]
    house["devices"] += barn["devices"]
    return house


def of_gateway(entries: dict[str, er.RegistryEntry], gateway_id: str) -> set[str]:
    """The entity ids of one gateway's devices."""
    return {e for e, entry in entries.items() if f"://{gateway_id}/" in entry.unique_id}


@pytest.fixture
async def account(
    hass: HomeAssistant, make_sim: SimFactory, monkeypatch: pytest.MonkeyPatch
) -> GatewaySimulator:
    """The two-gateway account in the cloud, with overkiz set up unchanged on it."""
    sim = await make_sim(house=two_gateway_house(), mode="cloud")
    assert set(sim.core.gateways) == {GW_A, GW_B}
    await setup_core_cloud(hass, sim, monkeypatch)
    return sim


async def test_each_gateway_moves_when_added(
    hass: HomeAssistant, account: GatewaySimulator
) -> None:
    sim = account
    core = core_entry(hass, GW_A)
    assert core is not None
    assert core.unique_id == GW_A
    # overkiz registers both gateways under its one entry: B finds it too.
    dev_reg = dr.async_get(hass)
    assert dev_reg.async_get_device_by_identifier((CORE_DOMAIN, GW_B), core.entry_id)
    assert core_entry(hass, GW_B) is core
    ent_reg = er.async_get(hass)
    shutter_a = entity_id(hass, "cover", CORE_DOMAIN, SHUTTER_A)
    shutter_b = entity_id(hass, "cover", CORE_DOMAIN, SHUTTER_B)
    living = ar.async_get(hass).async_create("Lounge").id
    barn = ar.async_get(hass).async_create("Barn").id
    ent_reg.async_update_entity(shutter_a, area_id=living, name="Big window")
    ent_reg.async_update_entity(shutter_b, area_id=barn, name="Barn door")
    await add_automations(
        hass,
        {
            event: [{"action": "cover.close_cover", "target": {"entity_id": target}}]
            for event, target in (("close_a", shutter_a), ("close_b", shutter_b))
        },
    )
    before = {e.entity_id: kept(e) for e in owned(hass, core).values()}
    on_b = of_gateway(owned(hass, core), GW_B)
    assert shutter_b in on_b

    # Gateway A: the step says that B goes unavailable until it is added too.
    result = await start_cloud_take_over(hass, sim, GW_A)
    assert result["step_id"] == "take_over_account"
    shown = result["description_placeholders"]
    assert shown["other_gateways"] == GW_B
    assert shown["other_count"] == str(len(on_b))
    assert not any(e in shown["stays"] for e in on_b)  # not ours-missing
    ours_a = await confirm_take_over(hass, result)
    assert core.disabled_by is ConfigEntryDisabler.USER
    assert set(owned(hass, core)) == on_b
    assert all(e.disabled for e in owned(hass, core).values())

    # Gateway B: offered although overkiz's unique id is A's.
    result = await start_cloud_take_over(hass, sim, GW_B)
    assert result["step_id"] == "take_over_rest"  # overkiz is disabled already
    assert result["description_placeholders"]["moves"] == str(len(on_b))
    ours_b = await confirm_take_over(hass, result)
    mine_b = owned(hass, ours_b)
    assert set(mine_b) >= on_b
    assert not owned(hass, core)
    assert kept(mine_b[shutter_b]) == before[shutter_b]
    assert mine_b[shutter_b].area_id == barn
    state = hass.states.get(shutter_b)
    assert state is not None
    assert state.name == "Barn door"
    assert core.disabled_by is ConfigEntryDisabler.USER

    # The automation on B runs through B's queue.
    queue = ours_b.runtime_data.commands.queue
    actions = queue.stats.actions
    sim.stats.reset()
    hass.bus.async_fire("close_b")
    await hass.async_block_till_done()
    await wait_for_commands(sim, [SHUTTER_B])
    assert sim.stats.device_commands[SHUTTER_B] == [("close", [])]
    assert queue.stats.actions == actions + 1

    # Deleting A: its entities go back, overkiz stays disabled (B runs).
    await hass.config_entries.async_remove(ours_a.entry_id)
    await hass.async_block_till_done()
    assert core.disabled_by is ConfigEntryDisabler.USER
    assert entry_state(ours_b) is ConfigEntryState.LOADED
    theirs = owned(hass, core)
    assert set(theirs) == set(before) - set(mine_b)
    assert all(e.platform == CORE_DOMAIN and e.disabled for e in theirs.values())
    assert owned(hass, ours_b)[shutter_b].platform == DOMAIN

    # Deleting B: overkiz is enabled and owns everything again, as it was.
    await hass.config_entries.async_remove(ours_b.entry_id)
    await hass.async_block_till_done()
    assert not core.disabled_by
    assert entry_state(core) is ConfigEntryState.LOADED
    theirs = owned(hass, core)
    assert {e: kept(entry) for e, entry in theirs.items()} == before
    assert all(e.platform == CORE_DOMAIN for e in theirs.values())
    assert theirs[shutter_a].area_id == living
    state = hass.states.get(shutter_a)
    assert state is not None
    assert state.name == "Big window"
    sim.stats.reset()
    hass.bus.async_fire("close_b")
    await hass.async_block_till_done()
    await wait_for_commands(sim, [SHUTTER_B])
    await hass.config_entries.async_unload(core.entry_id)
    await hass.async_block_till_done()


async def test_repair_of_one_gateway_of_the_account(
    hass: HomeAssistant, account: GatewaySimulator
) -> None:
    """Both run gateway B: the issue's fix says that A goes unavailable."""
    core = core_entry(hass, GW_A)
    assert core is not None
    ours_b = MockConfigEntry(
        domain=DOMAIN,
        unique_id=GW_B,
        title="Barn",
        data=cloud_entry_data(account, CLOUD_HUB) | {CONF_GATEWAY_ID: GW_B},
        options=FAST_OPTIONS,
    )
    ours_b.add_to_hass(hass)
    assert await hass.config_entries.async_setup(ours_b.entry_id)
    await hass.async_block_till_done()
    issue = ir.async_get(hass).async_get_issue(DOMAIN, f"coexistence_{ours_b.entry_id}")
    assert issue is not None

    result = await fix(hass, ours_b, confirm=False)
    assert result["step_id"] == "confirm_account"
    assert result["description_placeholders"]["other_gateways"] == GW_A
    result = await fix(hass, ours_b, confirm=True)
    assert result["type"] == "create_entry"
    assert core.disabled_by is ConfigEntryDisabler.USER
    shutter_b = entity_id(hass, "cover", DOMAIN, SHUTTER_B)
    assert owned(hass, ours_b)[shutter_b].disabled_by is None
    assert of_gateway(owned(hass, core), GW_A)
    assert not of_gateway(owned(hass, core), GW_B)

    await hass.config_entries.async_remove(ours_b.entry_id)
    await hass.async_block_till_done()
    assert entry_state(core) is ConfigEntryState.LOADED
    assert entity_id(hass, "cover", CORE_DOMAIN, SHUTTER_B) == shutter_b
    await hass.config_entries.async_unload(core.entry_id)
    await hass.async_block_till_done()
