"""Houses: the default house, the benchmark generator, loading setups and real dumps."""

from __future__ import annotations

from collections import Counter
import copy
import json
from pathlib import Path
from typing import Any, Literal

from homeassistant.components.overkiz.const import OVERKIZ_DEVICE_TO_PLATFORM
from pyoverkiz.converter import converter
from pyoverkiz.enums import ExecutionState
from pyoverkiz.models import Device, ExecutionStateChangedEvent
import pytest

from simulator import GatewaySimulator, default_house, load_house, shutters_house
from tests.conftest import shared_dumps

from .conftest import SHUTTER, action, connect, execute


def test_default_house_has_the_devices_the_issue_asks_for() -> None:
    house = default_house()
    kinds = Counter(d["controllableName"] for d in house["devices"])
    assert kinds == {
        "io:RollerShutterGenericIOComponent": 12,
        "io:HorizontalAwningIOComponent": 1,
        "io:VerticalExteriorAwningIOComponent": 1,
        "rts:RollerShutterRTSComponent": 2,
        "io:OnOffIOComponent": 3,
        "rts:OnOffRTSComponent": 1,
        "io:AtlanticElectricalHeaterIOComponent": 1,
        "io:AtlanticElectricalHeaterWithAdjustableTemperatureSetpointIOComponent": 1,
        "io:TemperatureInCelciusIOSystemDeviceSensor": 1,
        "io:HeatingValveIOComponent": 1,
        "io:TemperatureIOSystemSensor": 1,
    }
    urls = [d["deviceURL"] for d in house["devices"]]
    assert len(set(urls)) == len(urls)
    heater = next(
        d
        for d in house["devices"]
        if d["controllableName"].endswith("AdjustableTemperatureSetpointIOComponent")
    )
    assert heater["deviceURL"].endswith("#1")
    assert heater["deviceURL"].replace("#1", "#2") in urls


def test_default_house_is_understood_by_pyoverkiz_and_home_assistant() -> None:
    house = default_house()
    devices = converter.structure(house["devices"], list[Device])
    assert len(devices) == len(house["devices"])
    for device in devices:
        if device.definition.type == "SENSOR":
            continue
        platform = OVERKIZ_DEVICE_TO_PLATFORM.get(
            device.widget
        ) or OVERKIZ_DEVICE_TO_PLATFORM.get(device.ui_class)
        assert platform is not None, device.controllable_name


def test_shutters_house() -> None:
    house = shutters_house(3)
    assert [d["widget"] for d in house["devices"]] == ["PositionableRollerShutter"] * 3
    assert len({d["deviceURL"] for d in house["devices"]}) == 3
    assert len(load_house("shutters:4")["devices"]) == 4
    assert shutters_house(0)["devices"] == []
    with pytest.raises(ValueError, match="n must be"):
        shutters_house(-1)


def test_load_house_from_a_file(tmp_path: Path) -> None:
    path = tmp_path / "setup.json"
    path.write_text(json.dumps(shutters_house(2)))
    assert load_house(path) == shutters_house(2)
    assert load_house(str(path)) == shutters_house(2)


@pytest.mark.parametrize(
    ("house", "message"),
    [
        ("nowhere", "Unknown house"),
        ({"gateways": []}, "'devices' list"),
        ({"gateways": [], "devices": []}, "at least one gateway"),
    ],
)
def test_bad_houses(house: Any, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        load_house(house)


async def test_a_house_dict_is_copied_not_changed() -> None:
    house = default_house()
    original = copy.deepcopy(house)
    async with GatewaySimulator(house=house, speed=1000) as sim, connect(sim) as client:
        await execute(client, action(SHUTTER, "close"))
        await sim.settle()
        assert sim.state(SHUTTER, "core:ClosureState") == 100
        # GET setup shows the live state.
        setup = await client.get_setup()
        device = next(d for d in setup.devices if d.device_url == SHUTTER)
        assert device.states["core:ClosureState"].value == 100
    assert house == original


def test_seed_makes_runs_reproducible() -> None:
    assert GatewaySimulator(seed=1).token == GatewaySimulator(seed=1).token
    assert GatewaySimulator(seed=1).token != GatewaySimulator(seed=2).token
    assert GatewaySimulator(token="fixed").token == "fixed"


def test_bad_arguments() -> None:
    with pytest.raises(ValueError, match="mode"):
        GatewaySimulator(mode="bluetooth")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="exec_limit"):
        GatewaySimulator(exec_limit=0)
    with pytest.raises(ValueError, match="speed"):
        GatewaySimulator(speed=0)
    with pytest.raises(RuntimeError, match="not started"):
        _ = GatewaySimulator().port


def read(path: Path) -> str:
    return path.read_text(encoding="utf-8")


DUMPS: list[Any] = shared_dumps() or [
    pytest.param(None, marks=pytest.mark.skip("no ../shared"))
]


@pytest.mark.parametrize("dump", DUMPS, ids=lambda p: p.stem if p else "none")
async def test_real_dumps_replay(dump: Path) -> None:
    """Every real dump loads; pyoverkiz lists each device it can structure."""
    data = json.loads(read(dump))
    expected = [
        d.device_url for d in converter.structure(data["devices"], list[Device])
    ]
    mode: Literal["local", "cloud"] = "local" if "local" in dump.stem else "cloud"
    async with (
        GatewaySimulator(house=dump, mode=mode, speed=1000) as sim,
        connect(sim) as client,
    ):
        setup = await client.get_setup()
        devices = await client.get_devices(refresh=True)
        assert [d.device_url for d in setup.devices] == expected
        assert [d.device_url for d in devices] == expected
        assert {g.id for g in setup.gateways} == {
            g["gatewayId"] for g in data["gateways"]
        }
        # Each device with a plain command runs it.
        targets = {}
        for device in devices:
            for name in ("stop", "on", "identify", "refreshState"):
                definition = device.get_command_definition(name)
                if definition is not None and definition.nparams == 0:
                    targets[device.device_url] = name
                    break
        assert targets
        exec_ids = []
        for url, name in targets.items():
            exec_ids.append(await execute(client, action(url, name)))
            await sim.settle()
        events = await client.fetch_events()

    completed = {
        e.exec_id
        for e in events
        if isinstance(e, ExecutionStateChangedEvent)
        and e.new_state == ExecutionState.COMPLETED
    }
    assert completed == set(exec_ids)
    assert {url: cmds[0][0] for url, cmds in sim.stats.device_commands.items()} == (
        targets
    )
