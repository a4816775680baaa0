"""Simulated sensors: readings, detectors and counters, seen by a pyoverkiz client."""

from __future__ import annotations

import asyncio

import aiohttp
from pyoverkiz.models import DeviceStateChangedEvent
import pytest

from simulator import GatewaySimulator, load_house
from simulator.sensing import type_of
from tests.simulator.conftest import connect

GW = "0811-2300-4455"
SMOKE = f"io://{GW}/6014"
METER = f"io://{GW}/6006"
TEMPERATURE = f"io://{GW}/6001"


def test_the_sensors_house_has_one_device_of_each_kind() -> None:
    house = load_house("sensors")
    kinds = [(d["uiClass"], d["widget"]) for d in house["devices"]]
    assert len(kinds) == len(set(kinds)) == 19
    assert all(d["type"] == 2 for d in house["devices"])  # sensors, not actuators


@pytest.mark.parametrize("mode", ["local", "cloud"])
async def test_detector_events_reach_the_listener(mode: str) -> None:
    async with (
        GatewaySimulator(house="sensors", mode=mode) as sim,  # type: ignore[arg-type]
        connect(sim) as client,
    ):
        assert sim.detect(SMOKE) == "core:SmokeState"
        sim.detect(SMOKE)  # no change: no event
        events = await client.fetch_events()
    changes = [e for e in events if isinstance(e, DeviceStateChangedEvent)]
    assert len(changes) == 1
    assert changes[0].device_url == SMOKE
    assert [(s.name, s.value) for s in changes[0].device_states] == [
        ("core:SmokeState", "detected")
    ]


async def test_counters_grow_with_simulated_time() -> None:
    async with GatewaySimulator(house="sensors", speed=36_000, sensor_period=60) as sim:
        before = sim.state(METER, "core:ElectricEnergyConsumptionState")
        await asyncio.sleep(0.05)  # a few periods of a simulated minute
        grown = sim.state(METER, "core:ElectricEnergyConsumptionState") - before
    assert grown > 0
    assert grown % 20 == 0  # 1200 W for one simulated minute each time


async def test_the_control_path(local_sim: GatewaySimulator) -> None:
    url = local_sim.control_url
    async with aiohttp.ClientSession() as session:

        async def post(action: str, body: dict[str, object]) -> tuple[int, object]:
            async with session.post(f"{url}{action}", json=body, ssl=False) as r:
                return r.status, await r.json()

        shutter = f"io://{GW}/1001"
        assert await post("state", {"device": shutter, "state": "core:X", "value": 2.5})
        assert local_sim.state(shutter, "core:X") == 2.5
        status, answer = await post("detect", {"device": shutter})
        assert (status, answer) == (
            400,
            {"error": f"{shutter} is no sensor with a detector state"},
        )
        status, _ = await post("state", {"device": "io://nowhere/1", "state": "a"})
        assert status == 400
        status, _ = await post("tick", {"seconds": -1})
        assert status == 400
        assert await post("tick", {"seconds": 60}) == (200, {"ok": True})


def test_type_of() -> None:
    values: tuple[object, ...] = (True, 1, 1.5, {}, [], "x")
    assert [type_of(v) for v in values] == [6, 1, 2, 11, 11, 3]
