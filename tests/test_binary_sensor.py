"""Binary sensors against the simulated gateway: detectors trip, contacts open."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

import aiohttp
from homeassistant.const import STATE_OFF, STATE_ON, STATE_UNKNOWN, Platform
from homeassistant.helpers import entity_registry as er
import pytest

from custom_components.overkiz_batch.binary_sensor_descriptions import (
    BINARY_SENSOR_DESCRIPTIONS,
    demands_energy,
    is_true,
)
from simulator import sensors
from simulator.houses import DEFAULT_GATEWAY_ID as GW, T_OBJECT, T_STRING, setup
from tests.conftest import shared_dumps
from tests.gateway_setup import gateway, snapshot_entities

if TYPE_CHECKING:
    from pathlib import Path

    from homeassistant.core import HomeAssistant
    from syrupy.assertion import SnapshotAssertion

pytestmark = pytest.mark.usefixtures("socket_enabled")

CONTACT = f"rtds://{GW}/6009"
WINDOW = f"io://{GW}/6010"
MOTION = f"rtds://{GW}/6012"
SMOKE = f"io://{GW}/6014"


def state(hass: HomeAssistant, url: str, key: str) -> str:
    """The binary sensor's state, found by core's unique id scheme."""
    entity_id = er.async_get(hass).async_get_entity_id(
        "binary_sensor", "overkiz_batch", f"{url}-{key}"
    )
    assert entity_id is not None, f"{url}-{key}"
    found = hass.states.get(entity_id)
    assert found is not None
    return found.state


async def test_entities(
    hass: HomeAssistant,
    entity_registry: er.EntityRegistry,
    snapshot: SnapshotAssertion,
) -> None:
    async with gateway(hass, Platform.BINARY_SENSOR, house="sensors") as gw:
        await snapshot_entities(gw, entity_registry, snapshot)


async def test_every_detector_of_the_house_is_a_binary_sensor(
    hass: HomeAssistant,
) -> None:
    async with gateway(hass, Platform.BINARY_SENSOR, house="sensors") as gw:
        expected = {
            f"{d.device_url}-{name}"
            for d in gw.coordinator.data.values()
            for name in d.definition.states
            if name in BINARY_SENSOR_DESCRIPTIONS
        }
        entries = er.async_entries_for_config_entry(
            er.async_get(hass), gw.entry.entry_id
        )
        assert {e.unique_id for e in entries} == expected
        assert len(expected) == 10


async def test_a_detector_tripped_on_the_gateway_reaches_home_assistant(
    hass: HomeAssistant,
) -> None:
    async with (
        gateway(hass, Platform.BINARY_SENSOR, house="sensors") as gw,
        aiohttp.ClientSession() as session,
    ):
        assert state(hass, SMOKE, "core:SmokeState") == STATE_OFF
        async with session.post(
            f"{gw.sim.control_url}detect", json={"device": SMOKE}, ssl=False
        ) as response:
            assert response.status == 200
            assert await response.json() == {"ok": True, "state": "core:SmokeState"}
        await gw.poll()
        assert state(hass, SMOKE, "core:SmokeState") == STATE_ON
        gw.sim.detect(SMOKE, detected=False)
        await gw.poll()
        assert state(hass, SMOKE, "core:SmokeState") == STATE_OFF


@pytest.mark.parametrize(
    ("url", "key"),
    [
        (CONTACT, "core:ContactState"),
        (WINDOW, "core:OpenClosedState"),
        (MOTION, "core:OccupancyState"),
        (f"io://{GW}/6013", "core:OccupancyState"),
        (f"io://{GW}/6015", "core:WaterDetectionState"),
        (f"io://{GW}/6016", "core:RainState"),
        (f"io://{GW}/6005", "core:GasDetectionState"),
    ],
)
async def test_detectors_trip_and_clear(
    hass: HomeAssistant, url: str, key: str
) -> None:
    async with gateway(hass, Platform.BINARY_SENSOR, house="sensors") as gw:
        assert state(hass, url, key) == STATE_OFF
        assert gw.sim.detect(url) == key
        await gw.poll()
        assert state(hass, url, key) == STATE_ON
        gw.sim.detect(url, detected=False)
        await gw.poll()
        assert state(hass, url, key) == STATE_OFF


async def test_window_tilt_and_vibration(hass: HomeAssistant) -> None:
    async with gateway(hass, Platform.BINARY_SENSOR, house="sensors") as gw:
        assert state(hass, WINDOW, "core:TiltedState") == STATE_OFF
        gw.sim.set_state(WINDOW, "core:TiltedState", True)
        gw.sim.set_state(WINDOW, "core:VibrationState", "detected")
        await gw.poll()
        assert state(hass, WINDOW, "core:TiltedState") == STATE_ON
        assert state(hass, WINDOW, "core:VibrationState") == STATE_ON


async def test_open_closed_is_a_window_only_on_contact_sensors(
    hass: HomeAssistant,
) -> None:
    """Every shutter reports open/closed too: it is no window sensor."""
    async with gateway(hass, Platform.BINARY_SENSOR) as gw:
        entries = er.async_entries_for_config_entry(
            er.async_get(hass), gw.entry.entry_id
        )
        assert not [e for e in entries if e.unique_id.endswith("OpenClosedState")]


async def test_heating_states(hass: HomeAssistant) -> None:
    boiler = sensors.sensor_device(
        f"io://{GW}/8001",
        "Water heater",
        "io:AtlanticDomesticHotWaterProductionV2IOComponent",
        ("WaterHeatingSystem", "DomesticHotWaterProduction"),
        [
            ("core:HeatingStatusState", T_STRING, "Heating"),
            ("io:OperatingModeCapabilitiesState", T_OBJECT, {"energyDemandStatus": 0}),
        ],
    )
    async with gateway(hass, Platform.BINARY_SENSOR, house=setup(GW, [boiler])) as gw:
        url = f"io://{GW}/8001"
        assert state(hass, url, "core:HeatingStatusState") == STATE_ON
        assert state(hass, url, "io:OperatingModeCapabilitiesState") == STATE_OFF
        gw.sim.set_state(url, "core:HeatingStatusState", "off")
        gw.sim.set_state(
            url, "io:OperatingModeCapabilitiesState", {"energyDemandStatus": 1}
        )
        await gw.poll()
        assert state(hass, url, "core:HeatingStatusState") == STATE_OFF
        assert state(hass, url, "io:OperatingModeCapabilitiesState") == STATE_ON


async def test_a_device_added_later_gets_its_binary_sensors(
    hass: HomeAssistant,
) -> None:
    async with gateway(hass, Platform.BINARY_SENSOR) as gw:
        url = f"rtds://{GW}/6109"
        gw.sim.add_device(sensors.contact_sensor(url, "Back door"))
        await gw.poll()
        assert state(hass, url, "core:ContactState") == STATE_OFF


async def test_a_state_the_gateway_has_not_sent_is_unknown(
    hass: HomeAssistant,
) -> None:
    contact = sensors.contact_sensor(CONTACT, "Front door")
    contact["states"] = [
        s for s in contact["states"] if s["name"] != "core:ContactState"
    ]
    async with gateway(hass, Platform.BINARY_SENSOR, house=setup(GW, [contact])):
        assert state(hass, CONTACT, "core:ContactState") == STATE_UNKNOWN


def test_is_on_functions() -> None:
    assert is_true(True)
    assert is_true("true")
    assert not is_true("false")
    assert demands_energy({"energyDemandStatus": 1})
    assert not demands_energy("1")


@pytest.mark.parametrize("dump", shared_dumps(), ids=lambda path: path.stem)
async def test_real_setups(
    hass: HomeAssistant, dump: Path, caplog: pytest.LogCaptureFixture
) -> None:
    async with gateway(hass, Platform.BINARY_SENSOR, house=str(dump)) as gw:
        for entry in er.async_entries_for_config_entry(
            er.async_get(hass), gw.entry.entry_id
        ):
            assert hass.states.get(entry.entity_id) is not None
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]
