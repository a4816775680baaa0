"""Taking the default house over from overkiz, and giving it back."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING
from unittest.mock import patch

from homeassistant.config_entries import (
    ConfigEntryDisabler,
    ConfigEntryState,
)
from homeassistant.const import Platform
from homeassistant.helpers import (
    area_registry as ar,
    device_registry as dr,
    entity_registry as er,
    label_registry as lr,
)
import pytest

from custom_components.overkiz_batch.const import (
    DOMAIN,
    PLATFORMS,
)
from custom_components.overkiz_batch.takeover import CONF_TAKEN_OVER, CORE_DOMAIN
from simulator.houses import DEFAULT_GATEWAY_ID as GW
from tests.gateway_setup import SimFactory, entry_state
from tests.takeover_setup import (
    add_automation,
    confirm_take_over,
    entity_id,
    kept,
    owned,
    setup_core,
    setup_core_cloud,
    start_cloud_take_over,
    start_take_over,
    take_over,
    wait_for_commands,
)

if TYPE_CHECKING:
    from homeassistant.core import HomeAssistant

    from simulator import GatewaySimulator

pytestmark = pytest.mark.usefixtures("socket_enabled")

SHUTTER_1 = f"io://{GW}/1001"
SHUTTER_2 = f"io://{GW}/1002"
SHUTTER_3 = f"io://{GW}/1003"
LIGHTS = f"io://{GW}/3001"


async def test_take_over_and_give_back(
    hass: HomeAssistant, sim: GatewaySimulator
) -> None:
    core = await setup_core(hass, sim)
    ent_reg = er.async_get(hass)
    dev_reg = dr.async_get(hass)
    shutter_1 = entity_id(hass, "cover", CORE_DOMAIN, SHUTTER_1)
    shutter_2 = entity_id(hass, "cover", CORE_DOMAIN, SHUTTER_2)
    shutter_3 = entity_id(hass, "cover", CORE_DOMAIN, SHUTTER_3)
    lights = entity_id(hass, "switch", CORE_DOMAIN, f"{LIGHTS}-OnOff")
    # What the user made of overkiz's entities and devices.
    living = ar.async_get(hass).async_create("Living room").id
    garage = ar.async_get(hass).async_create("Garage").id
    label = lr.async_get(hass).async_create("Ground floor").label_id
    ent_reg.async_update_entity(
        shutter_1,
        area_id=living,
        name="Big window",
        icon="mdi:window-shutter-alert",
        labels={label},
        hidden_by=er.RegistryEntryHider.USER,
    )
    ent_reg.async_update_entity(shutter_3, disabled_by=er.RegistryEntryDisabler.USER)
    device_2 = ent_reg.async_get(shutter_2)
    assert device_2 is not None
    assert device_2.device_id is not None
    dev_reg.async_update_device(
        device_2.device_id, area_id=garage, name_by_user="Garage window"
    )
    await hass.async_block_till_done()
    await add_automation(
        hass,
        "evening",
        [
            {
                "action": "cover.close_cover",
                "target": {"entity_id": [shutter_1, shutter_2]},
            },
            {"action": "switch.turn_on", "target": {"entity_id": lights}},
        ],
    )
    core_all = set(owned(hass, core))
    before = {e.entity_id: kept(e) for e in owned(hass, core).values()}

    ours = await take_over(hass, sim)

    assert ours.state is ConfigEntryState.LOADED
    assert core.disabled_by is ConfigEntryDisabler.USER
    assert core.state is ConfigEntryState.NOT_LOADED
    mine = owned(hass, ours)
    for moved in (shutter_1, shutter_2, shutter_3, lights):
        assert mine[moved].platform == DOMAIN
    entry_1 = mine[shutter_1]
    assert entry_1.area_id == living
    assert entry_1.name == "Big window"
    assert entry_1.icon == "mdi:window-shutter-alert"
    assert entry_1.labels == {label}
    assert entry_1.hidden_by is er.RegistryEntryHider.USER
    assert mine[shutter_3].disabled_by is er.RegistryEntryDisabler.USER
    assert hass.states.get(shutter_3) is None
    state_1 = hass.states.get(shutter_1)
    assert state_1 is not None
    assert state_1.name == "Big window"
    device = dev_reg.async_get(device_2.device_id)
    assert device is not None
    assert device.config_entry_id == ours.entry_id
    assert device.identifiers == {(DOMAIN, SHUTTER_2)}
    assert (device.area_id, device.name_by_user) == (garage, "Garage window")
    assert mine[shutter_2].device_id == device_2.device_id
    # No second entity for what moved, and overkiz keeps what we do not create.
    pending = entity_id(hass, "sensor", DOMAIN, f"{GW}_pending_actions")
    moving = set(mine) & core_all
    assert set(mine) - moving == {pending}
    left = owned(hass, core)
    assert set(left) == core_all - moving
    assert all(e.disabled for e in left.values())
    assert {e: kept(mine[e]) for e in moving} == {e: before[e] for e in moving}

    # The automation runs the same commands, now through our queue.
    coordinator = ours.runtime_data
    actions = coordinator.commands.queue.stats.actions
    sim.stats.reset()
    hass.bus.async_fire("evening")
    await hass.async_block_till_done()
    await wait_for_commands(sim, [SHUTTER_1, SHUTTER_2, LIGHTS])
    assert sim.stats.device_commands[SHUTTER_1] == [("close", [])]
    assert sim.stats.device_commands[LIGHTS] == [("on", [])]
    assert coordinator.commands.queue.stats.actions == actions + 3

    # The way back: remove our entry; overkiz owns the same entity ids again.
    await hass.config_entries.async_remove(ours.entry_id)
    await hass.async_block_till_done()

    assert not core.disabled_by
    assert entry_state(core) is ConfigEntryState.LOADED
    theirs = owned(hass, core)
    for moved in (shutter_1, shutter_2, shutter_3, lights):
        assert theirs[moved].platform == CORE_DOMAIN
    assert theirs[shutter_1].area_id == living
    assert theirs[shutter_1].name == "Big window"
    assert theirs[shutter_1].labels == {label}
    assert theirs[shutter_3].disabled_by is er.RegistryEntryDisabler.USER
    assert {e.entity_id: kept(e) for e in theirs.values()} == before
    device = dev_reg.async_get(device_2.device_id)
    assert device is not None
    assert device.config_entry_id == core.entry_id
    assert device.identifiers == {(CORE_DOMAIN, SHUTTER_2)}
    assert (device.area_id, device.name_by_user) == (garage, "Garage window")
    assert set(theirs) == core_all
    assert pending not in ent_reg.entities
    assert hass.states.get(shutter_1) is not None

    sim.stats.reset()
    hass.bus.async_fire("evening")
    await hass.async_block_till_done()
    await wait_for_commands(sim, [SHUTTER_1, SHUTTER_2, LIGHTS])
    assert sim.stats.device_commands[SHUTTER_1] == [("close", [])]


async def test_what_stays_is_listed_before_confirming(
    hass: HomeAssistant, sim: GatewaySimulator
) -> None:
    core = await setup_core(hass, sim)
    result = await start_take_over(hass, sim)
    assert result["step_id"] == "take_over"
    shown = result["description_placeholders"]
    result = await hass.config_entries.flow.async_configure(result["flow_id"], {})
    await hass.async_block_till_done()
    ours = result["result"]

    record = ours.data[CONF_TAKEN_OVER]
    assert record["entry_id"] == core.entry_id
    pending = entity_id(hass, "sensor", DOMAIN, f"{GW}_pending_actions")
    assert set(record["entities"]) == set(owned(hass, ours)) - {pending}
    assert shown["moves"] == str(len(record["entities"]))
    assert shown["devices"] == str(len(record["devices"]))
    stayed = owned(hass, core)
    assert shown["stay_count"] == str(len(stayed))
    listed: set[str] = set()
    for line in shown["stays"].splitlines():
        if line == "-":  # nothing stays
            continue
        match = re.fullmatch(r"- (\w+) \((\d+)\): (.+)", line)
        assert match is not None, line
        domain, count, ids = match.groups()
        assert all(i.startswith(f"{domain}.") for i in ids.split(", "))
        assert len(ids.split(", ")) == int(count)
        listed.update(ids.split(", "))
    assert listed == set(stayed)
    assert "take_over" not in ours.data


async def test_take_over_in_the_cloud_with_scenes(
    hass: HomeAssistant, make_sim: SimFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The vendor app's scenarios are scenes in both: they move with their ids."""
    sim = await make_sim(house="default", mode="cloud")
    core = await setup_core_cloud(hass, sim, monkeypatch)
    scenes = set(hass.states.async_entity_ids("scene"))
    assert len(scenes) == 3
    await add_automation(
        hass,
        "leave",
        [{"action": "scene.turn_on", "target": {"entity_id": "scene.leaving_home"}}],
    )

    ours = await confirm_take_over(
        hass, await start_cloud_take_over(hass, sim, sim.gateway_id)
    )

    mine = owned(hass, ours)
    assert scenes <= set(mine)
    assert all(mine[s].platform == DOMAIN for s in scenes)
    sim.stats.reset()
    hass.bus.async_fire("leave")
    await hass.async_block_till_done()
    await sim.settle()
    assert sim.stats.calls["exec/{oid}"] == 1

    await hass.config_entries.async_remove(ours.entry_id)
    await hass.async_block_till_done()
    theirs = owned(hass, core)
    assert scenes <= set(theirs)
    assert all(theirs[s].platform == CORE_DOMAIN for s in scenes)
    assert set(hass.states.async_entity_ids("scene")) == scenes
    await hass.config_entries.async_unload(core.entry_id)
    await hass.async_block_till_done()


async def test_a_platform_added_later_takes_its_entities_over(
    hass: HomeAssistant, sim: GatewaySimulator
) -> None:
    """Switches left with overkiz by a version without them move at next setup."""
    core = await setup_core(hass, sim)
    lights = entity_id(hass, "switch", CORE_DOMAIN, f"{LIGHTS}-OnOff")
    without_switches = [p for p in PLATFORMS if p != Platform.SWITCH]
    with (
        patch("custom_components.overkiz_batch.PLATFORMS", without_switches),
        patch("custom_components.overkiz_batch.takeover.PLATFORMS", without_switches),
    ):
        ours = await take_over(hass, sim)
        assert owned(hass, core)[lights].disabled
        await hass.config_entries.async_unload(ours.entry_id)
        await hass.async_block_till_done()

    # The update brings switches: the next setup takes them with their ids.
    assert await hass.config_entries.async_setup(ours.entry_id)
    await hass.async_block_till_done()
    mine = owned(hass, ours)
    assert mine[lights].platform == DOMAIN
    assert mine[lights].disabled_by is None
    assert hass.states.get(lights) is not None
    assert lights in ours.data[CONF_TAKEN_OVER]["entities"]
    assert core.disabled_by is ConfigEntryDisabler.USER

    # Nothing more to take: the next setup changes nothing.
    data = dict(ours.data)
    assert await hass.config_entries.async_reload(ours.entry_id)
    await hass.async_block_till_done()
    assert dict(ours.data) == data

    await hass.config_entries.async_remove(ours.entry_id)
    await hass.async_block_till_done()
    assert owned(hass, core)[lights].platform == CORE_DOMAIN
    assert hass.states.get(lights) is not None


async def test_what_stays_keeps_its_device_on_the_way_back(
    hass: HomeAssistant, sim: GatewaySimulator
) -> None:
    """An entity we do not make, on a device that moves, is detached, then back."""
    core = await setup_core(hass, sim)
    lights = entity_id(hass, "switch", CORE_DOMAIN, f"{LIGHTS}-OnOff")
    device_id = owned(hass, core)[lights].device_id
    assert device_id is not None
    without_switches = [p for p in PLATFORMS if p != Platform.SWITCH]
    with (
        patch("custom_components.overkiz_batch.PLATFORMS", without_switches),
        patch("custom_components.overkiz_batch.takeover.PLATFORMS", without_switches),
    ):
        ours = await take_over(hass, sim)
        device = dr.async_get(hass).async_get(device_id)
        assert device is not None
        assert device.config_entry_id == ours.entry_id
        assert owned(hass, core)[lights].device_id is None
        assert ours.data[CONF_TAKEN_OVER]["detached"][lights] == device_id
        # Still without switches: a new setup finds nothing more to take.
        data = dict(ours.data)
        assert await hass.config_entries.async_reload(ours.entry_id)
        await hass.async_block_till_done()
        assert dict(ours.data) == data
        assert owned(hass, core)[lights].device_id is None

        await hass.config_entries.async_remove(ours.entry_id)
        await hass.async_block_till_done()

    assert owned(hass, core)[lights].device_id == device_id
    assert hass.states.get(lights) is not None
