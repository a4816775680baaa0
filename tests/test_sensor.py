"""Sensors against the simulated gateway: every kind, readings that change, units."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any
from unittest.mock import PropertyMock, patch

import aiohttp
from homeassistant.components.sensor import ATTR_STATE_CLASS, SensorStateClass
from homeassistant.const import (
    ATTR_DEVICE_CLASS,
    ATTR_UNIT_OF_MEASUREMENT,
    STATE_UNKNOWN,
    Platform,
)
from homeassistant.helpers import entity_registry as er
import pytest

from custom_components.overkiz_batch.const import DOMAIN, SERVICE_EXECUTE_COMMAND
from custom_components.overkiz_batch.diagnostics import (
    async_get_config_entry_diagnostics,
)
from custom_components.overkiz_batch.readings import number, percent, rounded, snake
from custom_components.overkiz_batch.sensor_descriptions import SENSOR_DESCRIPTIONS
from simulator import sensors
from simulator.houses import DEFAULT_GATEWAY_ID as GW, device, setup
from tests.conftest import shared_dumps
from tests.gateway_setup import gateway, setup_entry, snapshot_entities

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path

    from homeassistant.core import HomeAssistant
    from syrupy.assertion import SnapshotAssertion

    from tests.gateway_setup import SimFactory

pytestmark = pytest.mark.usefixtures("socket_enabled")

TEMPERATURE = f"io://{GW}/6001"
LIGHT = f"io://{GW}/6003"
METER = f"io://{GW}/6006"
WATER = f"io://{GW}/6007"
WEATHER = f"internal://{GW}/weather/0"


def entity_id(hass: HomeAssistant, unique_id: str) -> str:
    """The sensor's entity id, found by core's unique id scheme."""
    found = er.async_get(hass).async_get_entity_id("sensor", "overkiz_batch", unique_id)
    assert found is not None, unique_id
    return found


def reading(hass: HomeAssistant, url: str, state: str) -> Any:
    found = hass.states.get(entity_id(hass, f"{url}-{state}"))
    assert found is not None
    return found


@pytest.fixture
def all_enabled() -> Iterator[None]:
    """Create the entities disabled by default enabled, for the snapshot."""
    with patch(
        "homeassistant.helpers.entity.Entity.entity_registry_enabled_default",
        PropertyMock(return_value=True),
    ):
        yield


@pytest.mark.usefixtures("all_enabled")
async def test_entities(
    hass: HomeAssistant,
    entity_registry: er.EntityRegistry,
    snapshot: SnapshotAssertion,
) -> None:
    async with gateway(hass, Platform.SENSOR, house="sensors") as gw:
        await snapshot_entities(gw, entity_registry, snapshot)


async def test_every_reading_of_the_house_is_a_sensor(hass: HomeAssistant) -> None:
    async with gateway(hass, Platform.SENSOR, house="sensors") as gw:
        expected = {
            f"{d.device_url}-{state}"
            for d in gw.coordinator.data.values()
            for state in d.definition.states
            if state in SENSOR_DESCRIPTIONS
        }
        entries = er.async_entries_for_config_entry(
            er.async_get(hass), gw.entry.entry_id
        )
        assert {e.unique_id for e in entries} == expected | {f"{GW}_pending_actions"}
        # Every sensor device of the house gives at least one reading.
        readings = {
            url
            for url in gw.sim.device_urls
            for e in entries
            if e.unique_id.startswith(f"{url}-")
        }
        for url in gw.sim.device_urls:
            if url.startswith(("io://", "internal://")) and url not in (
                f"io://{GW}/6009",  # contacts, presence, detectors: binary sensors
                f"io://{GW}/6010",
                f"io://{GW}/6013",
                f"io://{GW}/6015",
                f"io://{GW}/6016",
            ):
                assert url in readings, url


async def test_a_reading_changed_on_the_gateway_reaches_the_sensor(
    hass: HomeAssistant,
) -> None:
    async with (
        gateway(hass, Platform.SENSOR, house="sensors") as gw,
        aiohttp.ClientSession() as session,
    ):
        assert reading(hass, TEMPERATURE, "core:TemperatureState").state == "20.5"
        async with session.post(
            f"{gw.sim.control_url}state",
            json={
                "device": TEMPERATURE,
                "state": "core:TemperatureState",
                "value": 21.25,
            },
            ssl=False,
        ) as response:
            assert response.status == 200
        await gw.poll()
        assert reading(hass, TEMPERATURE, "core:TemperatureState").state == "21.25"


async def test_counters_grow_with_time(hass: HomeAssistant) -> None:
    async with gateway(hass, Platform.SENSOR, house="sensors") as gw:
        # The meter counts 1357000 Wh: shown in kWh, as people read a meter.
        energy = reading(hass, METER, "core:ElectricEnergyConsumptionState")
        assert energy.state == "1357.0"
        assert energy.attributes[ATTR_UNIT_OF_MEASUREMENT] == "kWh"
        assert energy.attributes[ATTR_DEVICE_CLASS] == "energy"
        assert energy.attributes[ATTR_STATE_CLASS] == SensorStateClass.TOTAL_INCREASING
        power = reading(hass, METER, "core:ElectricPowerConsumptionState")
        assert power.state == "1200"
        assert power.attributes[ATTR_UNIT_OF_MEASUREMENT] == "W"
        gw.sim.tick(1800)  # half an hour at 1200 W
        await gw.poll()
        energy = reading(hass, METER, "core:ElectricEnergyConsumptionState")
        assert energy.state == "1357.6"
        water = reading(hass, WATER, "core:WaterConsumptionState")
        assert water.state == "0.256"  # 256 L
        assert water.attributes[ATTR_UNIT_OF_MEASUREMENT] == "m³"


async def test_a_command_changes_the_forecast(hass: HomeAssistant) -> None:
    async with gateway(hass, Platform.SENSOR, house="sensors") as gw:
        assert reading(hass, WEATHER, "core:MaximumTemperatureState").state == "17"
        await hass.services.async_call(
            DOMAIN,
            SERVICE_EXECUTE_COMMAND,
            {
                "device_url": WEATHER,
                "command": "setMaximumTemperature",
                "parameters": [22],
            },
            blocking=True,
            return_response=True,
        )
        await gw.sync()
        assert gw.commands(WEATHER) == [("setMaximumTemperature", [22])]
        assert reading(hass, WEATHER, "core:MaximumTemperatureState").state == "22"


async def test_units_come_from_the_gateway_where_they_fit(
    hass: HomeAssistant,
) -> None:
    house = setup(
        GW,
        [
            sensors.with_unit(
                sensors.electricity_meter(f"io://{GW}/7001", "Meter in kWh", wh=1357),
                "core:ElectricalEnergyInKWh",
            ),
            sensors.light_sensor(LIGHT, "Garden light"),
        ],
    )
    # The per-state attribute wins over the device's.
    house["devices"][0]["attributes"].append(
        {
            "name": "core:ElectricPowerConsumptionStateMeasuredValueType",
            "type": 3,
            "value": "core:ElectricalPowerInKW",
        }
    )
    async with gateway(hass, Platform.SENSOR, house=house):
        meter = f"io://{GW}/7001"
        energy = reading(hass, meter, "core:ElectricEnergyConsumptionState")
        assert energy.attributes[ATTR_UNIT_OF_MEASUREMENT] == "kWh"
        power = reading(hass, meter, "core:ElectricPowerConsumptionState")
        assert power.attributes[ATTR_UNIT_OF_MEASUREMENT] == "kW"
        lux = reading(hass, LIGHT, "core:LuminanceState")
        assert lux.attributes[ATTR_UNIT_OF_MEASUREMENT] == "lx"
        battery = reading(hass, LIGHT, "core:BatteryLevelState")
        assert battery.attributes[ATTR_UNIT_OF_MEASUREMENT] == "%"  # not lx
        assert battery.state == "87"


async def test_words_are_translated_states_and_unknown_words_unknown(
    hass: HomeAssistant,
) -> None:
    smoke = f"io://{GW}/6014"
    async with gateway(hass, Platform.SENSOR, house="sensors") as gw:
        room = reading(hass, smoke, "io:SensorRoomState")
        assert room.state == "clean"
        assert room.attributes["options"] == ["clean", "dirty"]
        gw.sim.set_state(smoke, "io:SensorRoomState", "dirty")
        await gw.poll()
        assert reading(hass, smoke, "io:SensorRoomState").state == "dirty"
        gw.sim.set_state(smoke, "io:SensorRoomState", "flooded")
        await gw.poll()
        assert reading(hass, smoke, "io:SensorRoomState").state == STATE_UNKNOWN


async def test_diagnostic_and_disabled_readings_follow_core(
    hass: HomeAssistant,
) -> None:
    async with gateway(hass, Platform.SENSOR, house="sensors"):
        registry = er.async_get(hass)
        rssi = registry.async_get(entity_id(hass, f"{TEMPERATURE}-core:RSSILevelState"))
        assert rssi is not None
        assert rssi.disabled_by is er.RegistryEntryDisabler.INTEGRATION
        assert rssi.entity_category == "diagnostic"
        battery = registry.async_get(entity_id(hass, f"{LIGHT}-core:BatteryLevelState"))
        assert battery is not None
        assert battery.disabled_by is None
        assert battery.entity_category == "diagnostic"


async def test_a_device_added_later_gets_its_sensors(hass: HomeAssistant) -> None:
    async with gateway(hass, Platform.SENSOR) as gw:
        url = f"io://{GW}/6101"
        gw.sim.add_device(sensors.temperature_sensor(url, "Cellar temperature", 11.0))
        await gw.poll()
        await gw.hass.async_block_till_done()
        assert reading(hass, url, "core:TemperatureState").state == "11"


async def test_homekit_code_on_the_gateway(
    hass: HomeAssistant, entity_registry: er.EntityRegistry
) -> None:
    stack = device(
        f"homekit://{GW}/stack",
        "HomeKit",
        "homekit:StackComponent",
        "ProtocolGateway",
        "HomekitStack",
        {},
        [],
    )
    stack["attributes"].append(
        {"name": "homekit:SetupCode", "type": 3, "value": "123-45-678"}
    )
    async with gateway(hass, Platform.SENSOR, house=setup(GW, [stack])) as gw:
        code = entity_registry.async_get(entity_id(hass, f"homekit://{GW}/stack"))
        assert code is not None
        assert code.entity_category == "diagnostic"
        state = hass.states.get(code.entity_id)
        assert state is not None
        assert state.state == "123-45-678"
        gateway_device = code.device_id
        pending = entity_registry.async_get(
            entity_id(hass, f"{gw.coordinator.gateway_id}_pending_actions")
        )
        assert pending is not None
        assert pending.device_id == gateway_device
        # No other sensor: the stack is not a device of the house.
        entries = er.async_entries_for_config_entry(entity_registry, gw.entry.entry_id)
        assert len(entries) == 2
        # Diagnostics keep the code out.
        data = await async_get_config_entry_diagnostics(hass, gw.entry)
        assert "123-45-678" not in str(data)
        assert data["devices"][0]["attributes"]["homekit:SetupCode"] == "**REDACTED**"


async def test_cloud_readings_sent_as_text(
    hass: HomeAssistant, make_sim: SimFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    sim = await make_sim(house="sensors", mode="cloud")
    entry = await setup_entry(hass, sim, monkeypatch)
    coordinator = entry.runtime_data
    sim.tick(3600)
    sim.set_state(TEMPERATURE, "core:TemperatureState", 19.75, 2)
    await coordinator.async_refresh()
    await hass.async_block_till_done()
    assert reading(hass, TEMPERATURE, "core:TemperatureState").state == "19.75"
    assert reading(hass, METER, "core:ElectricEnergyConsumptionState").state == (
        "1358.2"
    )


def test_value_functions() -> None:
    assert number("1357000") == 1357000
    assert number(12.5) == 12.5
    assert number("abc") is None
    assert number(None) is None
    assert percent("73%") == 73
    assert percent(48.6) == 49
    assert percent("n/a") is None
    assert rounded(2)(63.400001525878906) == 63.4
    assert rounded(2)(None) is None
    assert rounded(2)("17") == 17
    assert snake("lowBattery") == "low_battery"
    assert snake("LSC") == "lsc"
    assert snake("") is None


@pytest.mark.parametrize("dump", shared_dumps(), ids=lambda path: path.stem)
async def test_real_setups(
    hass: HomeAssistant, dump: Path, caplog: pytest.LogCaptureFixture
) -> None:
    async with gateway(hass, Platform.SENSOR, house=str(dump)) as gw:
        for entry in er.async_entries_for_config_entry(
            er.async_get(hass), gw.entry.entry_id
        ):
            state = hass.states.get(entry.entity_id)
            assert entry.disabled_by is not None or state is not None
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]


async def test_parts_with_the_same_reading_are_told_apart(hass: HomeAssistant) -> None:
    base = f"io://{GW}/9001"
    house = setup(
        GW,
        [
            sensors.co2_sensor(f"{base}#1", "Ventilation"),
            sensors.temperature_sensor(f"{base}#2", "Extract air", 21.0),
            sensors.temperature_sensor(f"{base}#3", "Supply air", 17.0),
            sensors.humidity_sensor(f"{base}#4", "Ventilation humidity"),
        ],
    )
    async with gateway(hass, Platform.SENSOR, house=house):
        names = {
            url: reading(hass, url, state).name
            for url, state in (
                (f"{base}#2", "core:TemperatureState"),
                (f"{base}#3", "core:TemperatureState"),
                (f"{base}#4", "core:RelativeHumidityState"),
            )
        }
    assert names == {
        f"{base}#2": "Ventilation Extract air Temperature",
        f"{base}#3": "Ventilation Supply air Temperature",
        f"{base}#4": "Ventilation Humidity",  # the only humidity: no part label
    }
