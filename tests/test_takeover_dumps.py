"""The take-over and the way back on every real gateway dump overkiz sets up."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import TYPE_CHECKING

from homeassistant.components.cover import CoverEntityFeature
from homeassistant.config_entries import ConfigEntryState
from homeassistant.const import ATTR_SUPPORTED_FEATURES, STATE_UNAVAILABLE
from homeassistant.helpers import (
    area_registry as ar,
    device_registry as dr,
    entity_registry as er,
    label_registry as lr,
)
import pytest

from custom_components.overkiz_batch.const import DOMAIN
from custom_components.overkiz_batch.takeover import CORE_DOMAIN
from simulator import GatewaySimulator
from tests.conftest import shared_dumps
from tests.takeover_setup import add_automation, owned, setup_core, take_over

if TYPE_CHECKING:
    from homeassistant.config_entries import ConfigEntry
    from homeassistant.core import HomeAssistant

pytestmark = pytest.mark.usefixtures("socket_enabled")

# Unique id endings of entities overkiz does not make: they have nothing to move.
OURS_ALONE = ("_pending_actions",)


def _closable(hass: HomeAssistant, entity_ids: set[str]) -> str | None:
    """A cover that closes, or a switch: something an automation can drive."""
    for entity_id in sorted(entity_ids):
        state = hass.states.get(entity_id)
        if state is None or state.state == STATE_UNAVAILABLE:
            continue
        features = state.attributes.get(ATTR_SUPPORTED_FEATURES, 0)
        if entity_id.startswith("switch.") or (
            entity_id.startswith("cover.") and features & CoverEntityFeature.CLOSE
        ):
            return entity_id
    return None


def _unmatched(mine: dict[str, er.RegistryEntry], new: set[str]) -> set[str]:
    """Unique ids of new entities of ours that are not ours alone.

    Such an entity is made under another unique id than overkiz's (align it:
    it cannot move), or is ours alone (list its suffix in OURS_ALONE).
    """
    return {
        mine[e].unique_id for e in new if not mine[e].unique_id.endswith(OURS_ALONE)
    }


async def _drive(hass: HomeAssistant, sim: GatewaySimulator, ours: ConfigEntry) -> None:
    """An automation on a moved entity runs through our queue."""
    mine = owned(hass, ours)
    target = _closable(hass, set(mine))
    if target is None:
        return
    domain = target.split(".")[0]
    action = "close_cover" if domain == "cover" else "turn_on"
    await add_automation(
        hass, "go", [{"action": f"{domain}.{action}", "target": {"entity_id": target}}]
    )
    uid = mine[target].unique_id
    url = (
        uid.rsplit("-", 1)[0] if domain == "switch" else uid.removesuffix("_low_speed")
    )
    sim.stats.reset()
    hass.bus.async_fire("go")
    await hass.async_block_till_done()
    for _ in range(100):
        if sim.stats.device_commands.get(url):
            break
        await asyncio.sleep(0.02)
    assert sim.stats.device_commands.get(url), target
    assert ours.runtime_data.commands.queue.stats.actions >= 1


@pytest.mark.parametrize("dump", shared_dumps(), ids=lambda path: path.stem)
async def test_take_over_real_setup(
    hass: HomeAssistant, dump: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """Every gateway of the dump is taken over in turn, then given back."""
    async with GatewaySimulator(house=str(dump), mode="local", speed=100) as sim:
        gateway_ids = list(sim.core.gateways)
        core = await setup_core(hass, sim)
        ent_reg = er.async_get(hass)
        dev_reg = dr.async_get(hass)
        home = ar.async_get(hass).async_create("Home").id
        label = lr.async_get(hass).async_create("Moved").label_id
        for entity in owned(hass, core).values():
            ent_reg.async_update_entity(entity.entity_id, labels={label})
        renamed = {}
        for device in dr.async_entries_for_config_entry(dev_reg, core.entry_id):
            dev_reg.async_update_device(
                device.id, area_id=home, name_by_user=f"My {device.name}"
            )
            renamed[device.id] = f"My {device.name}"
        before = set(owned(hass, core))
        disabled = {e.entity_id for e in owned(hass, core).values() if e.disabled}

        entries = []
        for gateway_id in gateway_ids:
            left = set(owned(hass, core))
            ours = await take_over(hass, sim, gateway_id)
            entries.append(ours)
            assert ours.state is ConfigEntryState.LOADED
            # Every platform planned its part (a failing one would leave its
            # entities with overkiz).
            assert not [r for r in caplog.records if r.name.endswith(".takeover")]
            mine = owned(hass, ours)
            moved = set(mine) & left
            unmatched = _unmatched(mine, set(mine) - before)
            assert not unmatched, f"not overkiz's unique ids: {sorted(unmatched)}"
            assert all(mine[e].labels == {label} for e in moved)
            for entity_id in moved:
                part = dev_reg.async_get(mine[entity_id].device_id or "")
                assert part is not None
                assert part.config_entry_id == ours.entry_id
                assert part.area_id == home
                # Kept, even where we name the device otherwise (the gateway).
                assert part.name_by_user == renamed[part.id]
            assert set(owned(hass, core)) == left - moved
            print(f"{dump.stem} {gateway_id}: {len(moved)} moved")
            await _drive(hass, sim, ours)
        assert core.disabled_by is not None

        # Nothing we make stays with overkiz: no twin of what overkiz kept.
        stays = owned(hass, core)
        twins = {
            e.entity_id
            for e in stays.values()
            if ent_reg.async_get_entity_id(e.domain, DOMAIN, e.unique_id)
        }
        assert not twins, sorted(twins)
        print(f"{dump.stem}: {len(stays)} of {len(before)} stay with overkiz")

        for ours in entries:
            assert core.disabled_by is not None  # ours still run its gateways
            await hass.config_entries.async_remove(ours.entry_id)
            await hass.async_block_till_done()

        assert core.state is ConfigEntryState.LOADED
        theirs = owned(hass, core)
        assert set(theirs) == before
        assert all(theirs[e].platform == CORE_DOMAIN for e in before)
        assert all(theirs[e].labels == {label} for e in before)
        assert {e for e in before if theirs[e].disabled} == disabled
        for device in dr.async_entries_for_config_entry(dev_reg, core.entry_id):
            assert (device.area_id, device.name_by_user) == (home, f"My {device.name}")
        assert not [e for e in ent_reg.entities.values() if e.platform == DOMAIN]
        await hass.config_entries.async_unload(core.entry_id)
        await hass.async_block_till_done()
