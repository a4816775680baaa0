"""Scenarios: GET actionGroups and exec/{oid}, through pyoverkiz's real client."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Literal

from pyoverkiz.enums import EventName, ExecutionSubType
from pyoverkiz.exceptions import NoSuchActionGroupError
import pytest

from simulator import GatewaySimulator, default_house, shutters_house
from simulator.scenarios import HOUSE_KEY, Scenarios, scenario
from tests.conftest import shared_dumps

from .conftest import GW, SHUTTER, SWITCH, connect

CLOSE_ALL = "5c1e4a2b-0001-4000-8000-00000000a001"


async def test_the_default_house_has_a_few_scenarios(sim: GatewaySimulator) -> None:
    async with connect(sim) as client:
        groups = await client.get_action_groups()
    assert [g.label for g in groups] == [
        "Close every shutter",
        "Good morning",
        "Leaving home",
    ]
    close_all = groups[0]
    assert close_all.oid == CLOSE_ALL
    assert len(close_all.actions) == 12
    assert [c.name for c in close_all.actions[0].commands] == ["close"]
    assert HOUSE_KEY not in json.dumps(sim.core.house)  # not part of GET setup


async def test_a_scenario_runs_as_an_execution_of_its_own(
    cloud_sim: GatewaySimulator,
) -> None:
    sim = cloud_sim
    async with connect(sim) as client:
        exec_id = await client.execute_persisted_action_group(CLOSE_ALL)
        running = await client.get_current_executions()
        assert [e.id for e in running] == [exec_id]
        assert running[0].execution_sub_type == ExecutionSubType.ACTION_GROUP
        assert running[0].action_group is not None
        assert running[0].action_group.label == "Close every shutter"
        await sim.settle()
        events = await client.fetch_events()
        history = await client.get_execution_history()

    registered = [e for e in events if e.name == EventName.EXECUTION_REGISTERED]
    assert [e.label for e in registered] == ["Close every shutter"]  # type: ignore[attr-defined]
    ended = [
        e.new_state  # type: ignore[attr-defined]
        for e in events
        if e.name == EventName.EXECUTION_STATE_CHANGED
    ]
    assert ended[-1] == "COMPLETED"
    assert sim.state(SHUTTER, "core:ClosureState") == 100
    assert history[0].id == exec_id
    assert history[0].execution_sub_type == ExecutionSubType.ACTION_GROUP
    assert sim.stats.calls["exec/{oid}"] == 1
    assert sim.stats.executions_accepted == 1


async def test_the_local_api_lists_scenarios_but_runs_nothing(
    local_sim: GatewaySimulator,
) -> None:
    """Developer mode answers exec/{oid} with an id and does nothing."""
    async with connect(local_sim) as client:
        assert len(await client.get_action_groups()) == 3
        assert await client.execute_persisted_action_group(CLOSE_ALL)
        assert await client.get_current_executions() == []
    assert local_sim.stats.device_commands == {}


async def test_an_unknown_scenario_is_refused(sim: GatewaySimulator) -> None:
    async with connect(sim) as client:
        with pytest.raises(NoSuchActionGroupError):
            await client.execute_persisted_action_group("no-such-oid")


async def test_scenarios_changed_in_the_app_are_announced(
    cloud_sim: GatewaySimulator,
) -> None:
    sim = cloud_sim
    async with connect(sim) as client:
        sim.add_scenario(scenario("new-oid", None, [(SWITCH, "on", [])]))
        sim.add_scenario(scenario("new-oid", "Lights", [(SWITCH, "on", [])]))
        sim.remove_scenario(CLOSE_ALL)
        events = await client.fetch_events()
        groups = await client.get_action_groups()
    assert [e.name for e in events] == [
        EventName.ACTION_GROUP_CREATED,
        EventName.ACTION_GROUP_UPDATED,
        EventName.ACTION_GROUP_DELETED,
    ]
    assert [g.label for g in groups] == ["Good morning", "Leaving home", "Lights"]


async def test_a_house_file_defines_its_own_scenarios(tmp_path: Path) -> None:
    house = shutters_house(2)
    url = f"io://{GW}/100001"
    house[HOUSE_KEY] = [scenario("mine", "Half", [(url, "setClosure", [50])])]
    path = tmp_path / "house.json"
    path.write_text(json.dumps(house), encoding="utf-8")
    async with (
        GatewaySimulator(house=path, mode="cloud", speed=1000) as sim,
        connect(sim) as client,
    ):
        assert [g.oid for g in await client.get_action_groups()] == ["mine"]
        await client.execute_persisted_action_group("mine")
        await sim.settle()
        assert sim.state(url, "core:ClosureState") == 50


@pytest.mark.parametrize("dump", shared_dumps()[:2], ids=lambda p: p.name)
async def test_a_real_dump_has_no_scenarios(dump: Path) -> None:
    mode: Literal["local", "cloud"] = "local" if "local" in dump.name else "cloud"
    async with (
        GatewaySimulator(house=dump, mode=mode) as sim,
        connect(sim) as client,
    ):
        assert await client.get_action_groups() == []


async def test_a_house_without_scenarios_has_none() -> None:
    async with (
        GatewaySimulator(house=shutters_house(1), mode="cloud") as sim,
        connect(sim) as client,
    ):
        assert await client.get_action_groups() == []


def test_scenario_lists_are_checked() -> None:
    with pytest.raises(ValueError, match="list"):
        Scenarios({"oid": "x"})
    with pytest.raises(ValueError, match="oid"):
        Scenarios([{"label": "no oid"}])
    assert default_house()[HOUSE_KEY][0]["oid"] == CLOSE_ALL
