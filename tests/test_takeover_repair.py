"""Both integrations on one gateway: the repair issue, its fix flow, edge cases."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from homeassistant.components.repairs import repairs_flow_manager
from homeassistant.config_entries import (
    SOURCE_USER,
    ConfigEntryDisabler,
    ConfigEntryState,
)
from homeassistant.const import CONF_HOST, CONF_TOKEN, CONF_VERIFY_SSL
from homeassistant.data_entry_flow import FlowResultType
from homeassistant.helpers import (
    device_registry as dr,
    entity_registry as er,
    issue_registry as ir,
)
from homeassistant.setup import async_setup_component
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.overkiz_batch.const import CONF_GATEWAY_ID, CONF_HUB, DOMAIN
from custom_components.overkiz_batch.takeover import (
    CONF_TAKE_OVER,
    CONF_TAKEN_OVER,
    CORE_DOMAIN,
    core_entry,
)
from simulator.houses import DEFAULT_GATEWAY_ID as GW, default_house, gateway
from tests.gateway_setup import (
    FAST_OPTIONS,
    LOCAL_HUB,
    SimFactory,
    local_entry_data,
)
from tests.takeover_setup import (
    REPAIR_STRINGS,
    TRANSLATIONS,
    assert_translated,
    fix,
    owned,
    setup_core,
    take_over,
)

if TYPE_CHECKING:
    from homeassistant.config_entries import ConfigEntry
    from homeassistant.core import HomeAssistant

    from simulator import GatewaySimulator

pytestmark = pytest.mark.usefixtures("socket_enabled")

SHUTTER_1 = f"io://{GW}/1001"
LIGHTS = f"io://{GW}/3001-OnOff"


async def setup_ours(
    hass: HomeAssistant, sim: GatewaySimulator, **data: Any
) -> MockConfigEntry:
    """Our entry for the simulator, added beside whatever else is there."""
    entry = MockConfigEntry(
        domain=DOMAIN,
        unique_id=sim.gateway_id,
        title="Overkiz Batch",
        data=local_entry_data(sim) | data,
        options=FAST_OPTIONS,
    )
    entry.add_to_hass(hass)
    await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    return entry


def issue_of(hass: HomeAssistant, entry: ConfigEntry) -> ir.IssueEntry | None:
    return ir.async_get(hass).async_get_issue(DOMAIN, f"coexistence_{entry.entry_id}")


def entity_ids(
    hass: HomeAssistant, unique_id: str, domain: str = "cover"
) -> dict[str, str | None]:
    reg = er.async_get(hass)
    return {
        platform: reg.async_get_entity_id(domain, platform, unique_id)
        for platform in (CORE_DOMAIN, DOMAIN)
    }


async def test_side_by_side_raises_an_issue_that_takes_over(
    hass: HomeAssistant, sim: GatewaySimulator
) -> None:
    core = await setup_core(hass, sim)
    original = entity_ids(hass, SHUTTER_1)[CORE_DOMAIN]
    ours = await setup_ours(hass, sim)
    duplicate = entity_ids(hass, SHUTTER_1)[DOMAIN]
    assert duplicate not in (None, original)

    issue = issue_of(hass, ours)
    assert issue is not None
    assert issue.is_fixable
    assert issue.translation_placeholders == {"title": core.title}

    result = await fix(hass, ours, confirm=False)
    assert result["step_id"] == "confirm"
    assert int(result["description_placeholders"]["moves"]) > 0
    # Every entity overkiz made for this house has its counterpart: none stays.
    assert result["description_placeholders"]["stays"] == "-"

    result = await fix(hass, ours, confirm=True)
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert ours.state is ConfigEntryState.LOADED
    assert core.disabled_by is ConfigEntryDisabler.USER
    # overkiz's entity id, the one automations use, is ours now; the duplicate went.
    assert entity_ids(hass, SHUTTER_1) == {CORE_DOMAIN: None, DOMAIN: original}
    assert duplicate not in er.async_get(hass).entities
    assert issue_of(hass, ours) is None
    assert original is not None
    assert hass.states.get(original) is not None


async def test_overkiz_enabled_again_after_a_take_over(
    hass: HomeAssistant, sim: GatewaySimulator
) -> None:
    """overkiz made new entities of its own; ours, the originals, are kept."""
    core = await setup_core(hass, sim)
    original = entity_ids(hass, SHUTTER_1)[CORE_DOMAIN]
    ours = await take_over(hass, sim)
    await hass.config_entries.async_set_disabled_by(core.entry_id, None)
    await hass.async_block_till_done()
    assert core.state is ConfigEntryState.LOADED
    newer = entity_ids(hass, SHUTTER_1)[CORE_DOMAIN]
    assert newer not in (None, original)
    assert issue_of(hass, ours) is not None

    await fix(hass, ours, confirm=True)

    assert entity_ids(hass, SHUTTER_1) == {CORE_DOMAIN: None, DOMAIN: original}
    assert newer not in er.async_get(hass).entities
    assert core.disabled_by is ConfigEntryDisabler.USER

    # The way back still gives overkiz the original ids.
    await hass.config_entries.async_remove(ours.entry_id)
    await hass.async_block_till_done()
    assert entity_ids(hass, SHUTTER_1) == {CORE_DOMAIN: original, DOMAIN: None}
    assert core.state is ConfigEntryState.LOADED


async def test_give_back_over_what_overkiz_made_meanwhile(
    hass: HomeAssistant, sim: GatewaySimulator
) -> None:
    """overkiz enabled by hand, then our entry removed: ours replace overkiz's new."""
    core = await setup_core(hass, sim)
    original = entity_ids(hass, SHUTTER_1)[CORE_DOMAIN]
    ours = await take_over(hass, sim)
    await hass.config_entries.async_set_disabled_by(core.entry_id, None)
    await hass.async_block_till_done()
    newer = entity_ids(hass, SHUTTER_1)[CORE_DOMAIN]
    await hass.config_entries.async_set_disabled_by(
        core.entry_id, ConfigEntryDisabler.USER
    )
    await hass.async_block_till_done()

    await hass.config_entries.async_remove(ours.entry_id)
    await hass.async_block_till_done()

    assert entity_ids(hass, SHUTTER_1) == {CORE_DOMAIN: original, DOMAIN: None}
    assert newer not in er.async_get(hass).entities
    assert core.state is ConfigEntryState.LOADED


async def test_give_back_while_overkiz_runs_again(
    hass: HomeAssistant, sim: GatewaySimulator
) -> None:
    """overkiz enabled by hand and running: it is reloaded with the originals."""
    core = await setup_core(hass, sim)
    original = entity_ids(hass, SHUTTER_1)[CORE_DOMAIN]
    ours = await take_over(hass, sim)
    await hass.config_entries.async_set_disabled_by(core.entry_id, None)
    await hass.async_block_till_done()
    newer = entity_ids(hass, SHUTTER_1)[CORE_DOMAIN]

    await hass.config_entries.async_remove(ours.entry_id)
    await hass.async_block_till_done()

    assert entity_ids(hass, SHUTTER_1) == {CORE_DOMAIN: original, DOMAIN: None}
    assert newer not in er.async_get(hass).entities
    assert core.state is ConfigEntryState.LOADED
    state = hass.states.get(original or "")
    assert state is not None
    assert state.state != "unavailable"


async def test_issue_cleared_when_overkiz_is_disabled_or_ours_removed(
    hass: HomeAssistant, sim: GatewaySimulator
) -> None:
    core = await setup_core(hass, sim)
    ours = await setup_ours(hass, sim)
    assert issue_of(hass, ours) is not None
    await hass.config_entries.async_set_disabled_by(
        core.entry_id, ConfigEntryDisabler.USER
    )
    await hass.async_block_till_done()
    assert issue_of(hass, ours) is None
    await hass.config_entries.async_set_disabled_by(core.entry_id, None)
    await hass.async_block_till_done()
    assert issue_of(hass, ours) is not None
    await hass.config_entries.async_remove(ours.entry_id)
    await hass.async_block_till_done()
    assert issue_of(hass, ours) is None
    assert core.state is ConfigEntryState.LOADED  # never taken over: untouched


async def test_fix_flow_when_overkiz_is_gone(
    hass: HomeAssistant, sim: GatewaySimulator
) -> None:
    core = await setup_core(hass, sim)
    ours = await setup_ours(hass, sim)
    assert await async_setup_component(hass, "repairs", {})
    manager = repairs_flow_manager(hass)
    assert manager is not None
    result = await manager.async_init(
        DOMAIN, data={"issue_id": f"coexistence_{ours.entry_id}"}
    )
    await hass.config_entries.async_remove(core.entry_id)
    await hass.async_block_till_done()
    result = await manager.async_configure(result["flow_id"], {})
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "take_over_gone"
    assert_translated(REPAIR_STRINGS, result)


async def test_fix_flow_when_the_gateway_cannot_be_read(
    hass: HomeAssistant, sim: GatewaySimulator, no_retry_waits: None
) -> None:
    await setup_core(hass, sim)
    ours = await setup_ours(hass, sim)
    sim.fail("setup", "SERVER_ERROR_500", count=10)
    result = await fix(hass, ours, confirm=False)
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "take_over_cannot_connect"


async def test_config_flow_when_the_gateway_cannot_be_read(
    hass: HomeAssistant, make_sim: SimFactory, no_retry_waits: None
) -> None:
    """The gateway answers the flow, then fails as the take-over is prepared."""
    house = default_house()
    house["gateways"].append(gateway("9999-8888-7777"))
    sim = await make_sim(house=house, mode="local")
    await setup_core(hass, sim)
    flow = hass.config_entries.flow
    result = await flow.async_init(DOMAIN, context={"source": SOURCE_USER})
    result = await flow.async_configure(result["flow_id"], {CONF_HUB: LOCAL_HUB})
    result = await flow.async_configure(result["flow_id"], {"next_step_id": "local"})
    result = await flow.async_configure(
        result["flow_id"],
        {CONF_HOST: sim.host, CONF_TOKEN: sim.token, CONF_VERIFY_SSL: False},
    )
    assert result["step_id"] == "gateway"
    sim.fail("setup", "SERVER_ERROR_500", count=10)
    result = await flow.async_configure(
        result["flow_id"], {CONF_GATEWAY_ID: sim.gateway_id}
    )
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "take_over_cannot_connect"
    assert_translated(TRANSLATIONS["config"], result)


async def test_overkiz_that_cannot_unload_is_left_alone(
    hass: HomeAssistant, sim: GatewaySimulator, caplog: pytest.LogCaptureFixture
) -> None:
    core = MockConfigEntry(
        domain=CORE_DOMAIN,
        unique_id=sim.gateway_id,
        title="Stuck",
        state=ConfigEntryState.FAILED_UNLOAD,
    )
    core.add_to_hass(hass)
    ours = await setup_ours(hass, sim, **{CONF_TAKE_OVER: core.entry_id})
    assert ours.state is ConfigEntryState.LOADED
    assert CONF_TAKE_OVER not in ours.data
    assert CONF_TAKEN_OVER not in ours.data
    assert core.disabled_by is None
    assert "could not be unloaded" in caplog.text


async def test_take_over_request_for_a_missing_entry_is_dropped(
    hass: HomeAssistant, sim: GatewaySimulator
) -> None:
    ours = await setup_ours(hass, sim, **{CONF_TAKE_OVER: "gone"})
    assert ours.state is ConfigEntryState.LOADED
    assert CONF_TAKE_OVER not in ours.data
    # Removing an entry that took nothing over touches nothing.
    await hass.config_entries.async_remove(ours.entry_id)
    await hass.async_block_till_done()


async def test_give_back_when_overkiz_was_deleted(
    hass: HomeAssistant, sim: GatewaySimulator
) -> None:
    core = await setup_core(hass, sim)
    ours = await take_over(hass, sim)
    await hass.config_entries.async_remove(core.entry_id)
    await hass.async_block_till_done()
    await hass.config_entries.async_remove(ours.entry_id)
    await hass.async_block_till_done()
    assert not er.async_get(hass).entities


async def test_old_switch_unique_ids_are_migrated(
    hass: HomeAssistant, sim: GatewaySimulator
) -> None:
    entry = MockConfigEntry(
        domain=DOMAIN,
        unique_id=sim.gateway_id,
        data=local_entry_data(sim),
        options=FAST_OPTIONS,
    )
    entry.add_to_hass(hass)
    url = LIGHTS.removesuffix("-OnOff")
    old = er.async_get(hass).async_get_or_create(
        "switch", DOMAIN, url, config_entry=entry, suggested_object_id="my_lights"
    )
    await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    migrated = er.async_get(hass).async_get(old.entity_id)
    assert migrated is not None
    assert migrated.unique_id == LIGHTS
    assert {
        e.entity_id for e in owned(hass, entry).values() if e.domain == "switch"
    } >= {old.entity_id}
    assert hass.states.get(old.entity_id) is not None


async def test_take_over_from_a_disabled_overkiz_entry(
    hass: HomeAssistant, sim: GatewaySimulator
) -> None:
    """Its entities were disabled with it; with us they are enabled again."""
    core = await setup_core(hass, sim)
    original = entity_ids(hass, SHUTTER_1)[CORE_DOMAIN]
    await hass.config_entries.async_set_disabled_by(
        core.entry_id, ConfigEntryDisabler.USER
    )
    await hass.async_block_till_done()
    ours = await take_over(hass, sim)
    moved = er.async_get(hass).async_get(original or "")
    assert moved is not None
    assert moved.config_entry_id == ours.entry_id
    assert moved.disabled_by is None
    assert hass.states.get(moved.entity_id) is not None


async def test_give_back_skips_what_the_user_deleted(
    hass: HomeAssistant, sim: GatewaySimulator
) -> None:
    core = await setup_core(hass, sim)
    original = entity_ids(hass, SHUTTER_1)[CORE_DOMAIN] or ""
    ours = await take_over(hass, sim)
    ent_reg = er.async_get(hass)
    device_id = ent_reg.async_get(original).device_id  # type: ignore[union-attr]
    await hass.config_entries.async_unload(ours.entry_id)
    dr.async_get(hass).async_remove_device(device_id or "")
    await hass.async_block_till_done()
    assert original not in ent_reg.entities
    await hass.config_entries.async_remove(ours.entry_id)
    await hass.async_block_till_done()
    assert core.state is ConfigEntryState.LOADED
    assert entity_ids(hass, SHUTTER_1)[CORE_DOMAIN] is not None  # made anew


def test_no_gateway_id_no_overkiz_entry(hass: HomeAssistant) -> None:
    MockConfigEntry(domain=CORE_DOMAIN, unique_id=None).add_to_hass(hass)
    assert core_entry(hass, None) is None
