"""The local API answers field for field as a real local gateway does, the cloud more.

The expected key sets are written here from the real dumps (``setup_local_*.json``,
``setup_tahoma_*.json``...), so a plain clone checks them; beside ``../shared`` they are
also compared with the dumps themselves.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any
from urllib.parse import quote_plus

import aiohttp
import pytest

from simulator import GatewaySimulator
from simulator.actuator_houses import actuators_house
from simulator.climate_houses import climate_house
from simulator.local_format import local_device, subsystem_id
from simulator.switches import switches_house

from ..conftest import shared_dumps
from .conftest import SHUTTER, VALVE

# From the real local dumps: setup_local_tahoma, _with_climate and _tahoma_sonos.
LOCAL_SETUP_KEYS = {"gateways", "devices"}
LOCAL_GATEWAY_KEYS = {"gatewayId", "connectivity"}
LOCAL_DEVICE_KEYS = {
    "attributes",
    "available",
    "controllableName",
    "definition",
    "deviceURL",
    "enabled",
    "label",
    "states",
    "subsystemId",
    "synced",
    "type",
}
# One RTS device of setup_local_with_climate.json also has its creationTime.
LOCAL_DEVICE_EXTRA = {"creationTime"}
LOCAL_DEFINITION_KEYS = {"attributes", "commands", "states", "type", "uiClass"} | {
    "widgetName"
}
LOCAL_STATE_DEFINITION_KEYS = {"name", "rawStateId"}
# Fields every cloud dump has and no local one.
CLOUD_SETUP_ONLY = {"creationTime", "id", "location", "oid", "rootPlace", "zones"}
CLOUD_DEVICE_ONLY = {"creationTime", "oid", "placeOID", "shortcut", "uiClass", "widget"}
CLOUD_GATEWAY_ONLY = {"alive", "mode", "placeOID", "type", "updateStatus"}

HOUSES: dict[str, Any] = {
    "default": "default",
    "sensors": "sensors",
    "controls": "controls",
    "actuators": actuators_house(),
    "climate": climate_house(),
    "switches": switches_house(),
}


async def _get(sim: GatewaySimulator, path: str) -> Any:
    """GET a path of the API as it is written on the wire."""
    headers = {"Authorization": f"Bearer {sim.token}"}
    async with aiohttp.ClientSession() as session:
        if sim.mode == "cloud":
            login = {"userId": sim.username, "userPassword": sim.password}
            async with session.post(f"{sim.base_url}login", data=login) as answer:
                assert answer.status == 200
            headers = {}
        async with session.get(
            f"{sim.base_url}{path}", headers=headers, ssl=False
        ) as answer:
            assert answer.status == 200
            return await answer.json()


def _assert_local(setup: dict[str, Any]) -> None:
    assert set(setup) == LOCAL_SETUP_KEYS
    for gateway in setup["gateways"]:
        assert set(gateway) == LOCAL_GATEWAY_KEYS
    for device in setup["devices"]:
        assert set(device) == LOCAL_DEVICE_KEYS, device["deviceURL"]
        assert device["subsystemId"] == subsystem_id(device["deviceURL"])
        definition = device["definition"]
        assert set(definition) <= LOCAL_DEFINITION_KEYS
        for state in definition["states"]:
            assert set(state) == {"name"}
        for command in definition["commands"]:
            assert ("paramsSig" in command) == (command["nparams"] > 0)


@pytest.mark.parametrize("house", HOUSES.values(), ids=HOUSES)
async def test_local_answers_have_the_local_fields(house: Any) -> None:
    async with GatewaySimulator(house=house, mode="local") as sim:
        setup = await _get(sim, "setup")
        devices = await _get(sim, "setup/devices")
        gateways = await _get(sim, "setup/gateways")
        url = sim.device_urls[0]
        device = await _get(sim, f"setup/devices/{quote_plus(url)}")

    _assert_local(setup)
    assert devices == setup["devices"]
    assert gateways == setup["gateways"]
    assert device == setup["devices"][0]


async def test_local_device_names_its_states_and_attributes(
    local_sim: GatewaySimulator,
) -> None:
    raw = local_sim.core.devices[VALVE].raw
    device = await _get(local_sim, f"setup/devices/{quote_plus(VALVE)}")

    assert device["subsystemId"] == 1
    assert device["states"] == raw["states"]
    assert device["attributes"] == raw["attributes"]
    assert device["definition"]["states"] == [
        {"name": state["qualifiedName"]} for state in raw["definition"]["states"]
    ]
    assert device["definition"]["attributes"] == [
        {"name": attribute["name"]} for attribute in raw["attributes"]
    ]
    assert {"commandName": "setDerogation", "nparams": 2, "paramsSig": "p1,p2"} in (
        device["definition"]["commands"]
    )


async def test_cloud_answers_keep_the_cloud_fields(
    cloud_sim: GatewaySimulator,
) -> None:
    setup = await _get(cloud_sim, "setup")
    device = await _get(cloud_sim, f"setup/devices/{quote_plus(SHUTTER)}")

    assert set(setup) >= CLOUD_SETUP_ONLY | LOCAL_SETUP_KEYS
    assert set(setup["gateways"][0]) >= CLOUD_GATEWAY_ONLY | LOCAL_GATEWAY_KEYS
    assert set(device) >= CLOUD_DEVICE_ONLY
    assert "subsystemId" not in device
    assert "qualifiedName" in device["definition"]["states"][0]


def test_a_local_device_goes_as_it_is() -> None:
    local = {"deviceURL": "io://1234-5678-9012/1", "label": "x", "creationTime": 1}

    assert local_device(local) == local
    assert local_device({**local, "placeOID": "room"}) == local
    assert local_device(None) is None
    assert subsystem_id("io://1234-5678-9012/1#x") == 0


def _load(path: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return data


def _keys(dumps: list[dict[str, Any]], part: str) -> set[str]:
    return {key for dump in dumps for item in dump[part] for key in item}


@pytest.mark.skipif(not shared_dumps(), reason="needs ../shared")
def test_the_expected_keys_are_the_real_dumps_keys() -> None:
    local = [_load(p) for p in shared_dumps() if p.name.startswith("setup_local_")]
    cloud = [_load(p) for p in shared_dumps() if not p.name.startswith("setup_local_")]
    assert local
    assert cloud

    assert {key for dump in local for key in dump} == LOCAL_SETUP_KEYS
    assert _keys(local, "gateways") == LOCAL_GATEWAY_KEYS
    assert _keys(local, "devices") == LOCAL_DEVICE_KEYS | LOCAL_DEVICE_EXTRA
    definitions = [d.get("definition", {}) for dump in local for d in dump["devices"]]
    assert {key for d in definitions for key in d} == LOCAL_DEFINITION_KEYS
    assert {k for d in definitions for s in d.get("states", []) for k in s} == (
        LOCAL_STATE_DEFINITION_KEYS
    )
    for dump in cloud:
        assert set(dump) >= CLOUD_SETUP_ONLY | LOCAL_SETUP_KEYS
        for device in dump["devices"]:
            assert set(device) >= CLOUD_DEVICE_ONLY
        for gateway in dump["gateways"]:
            assert set(gateway) >= LOCAL_GATEWAY_KEYS


@pytest.mark.skipif(not shared_dumps(), reason="needs ../shared")
@pytest.mark.parametrize("path", shared_dumps(), ids=lambda path: path.stem)
async def test_a_dump_served_locally_looks_like_a_local_dump(path: Path) -> None:
    dump = _load(path)
    async with GatewaySimulator(house=path, mode="local") as sim:
        setup = await _get(sim, "setup")

    if path.name.startswith("setup_local_"):
        assert setup == dump  # a local dump replays as it is
        return
    _assert_local(setup)
    assert [d["deviceURL"] for d in setup["devices"]] == [
        d["deviceURL"] for d in dump["devices"]
    ]
