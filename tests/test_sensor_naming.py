"""Sensor devices are named by their device: the main reading, then the others."""

from __future__ import annotations

from collections import Counter
from typing import TYPE_CHECKING

from homeassistant.helpers import device_registry as dr, entity_registry as er
import pytest

from custom_components.overkiz_batch.binary_sensor_descriptions import (
    BINARY_SENSOR_DESCRIPTIONS,
)
from custom_components.overkiz_batch.sensor import MAIN_READINGS
from custom_components.overkiz_batch.sensor_descriptions import SENSOR_DESCRIPTIONS
from simulator.basic_devices import setpoint_heater
from simulator.houses import DEFAULT_GATEWAY_ID as GW, setup
from tests.conftest import shared_dumps
from tests.gateway_setup import FAST_OPTIONS, start_gateway

if TYPE_CHECKING:
    from pathlib import Path

    from homeassistant.core import HomeAssistant

    from tests.gateway_setup import Gateway, SimFactory

pytestmark = pytest.mark.usefixtures("socket_enabled")


def named(gw: Gateway, domain: str, unique_id: str) -> tuple[str, str | None]:
    """The entity id and friendly name of one entity, found by its unique id."""
    registry = er.async_get(gw.hass)
    entity_id = registry.async_get_entity_id(domain, "overkiz_batch", unique_id)
    assert entity_id is not None, unique_id
    state = gw.hass.states.get(entity_id)
    return entity_id, None if state is None else state.name


def unnamed_twice(gw: Gateway) -> dict[str, list[str]]:
    """Devices with more than one entity bearing the device's name alone."""
    entries = er.async_entries_for_config_entry(
        er.async_get(gw.hass), gw.entry.entry_id
    )
    unnamed = [e for e in entries if e.has_entity_name and e.original_name is None]
    twice = {d for d, n in Counter(e.device_id for e in unnamed).items() if n > 1}
    return {
        str(device_id): [e.entity_id for e in unnamed if e.device_id == device_id]
        for device_id in twice
    }


# (platform, device, state): entity id and name. Each device's main reading is
# named by the device; its further entities keep their own names.
NAMES = {
    ("sensor", "io://{gw}/6001", "core:TemperatureState"): (
        "sensor.hall_temperature",
        "Hall temperature",
    ),
    ("sensor", "io://{gw}/6003", "core:LuminanceState"): (
        "sensor.garden_light",
        "Garden light",
    ),
    ("sensor", "io://{gw}/6003", "core:BatteryLevelState"): (
        "sensor.garden_light_battery_level",
        "Garden light Battery level",
    ),
    ("binary_sensor", "io://{gw}/6014", "core:SmokeState"): (
        "binary_sensor.attic_smoke",
        "Attic smoke",
    ),
    ("sensor", "io://{gw}/6014", "io:SensorRoomState"): (
        "sensor.attic_smoke_sensing_chamber",
        "Attic smoke Sensing chamber",
    ),
    ("sensor", "io://{gw}/6011", "core:ThreeWayHandleDirectionState"): (
        "sensor.bedroom_window_handle",
        "Bedroom window handle",
    ),
    ("binary_sensor", "io://{gw}/6010", "core:OpenClosedState"): (
        "binary_sensor.kitchen_window",
        "Kitchen window",
    ),
    ("binary_sensor", "io://{gw}/6010", "core:TiltedState"): (
        "binary_sensor.kitchen_window_tilted",
        "Kitchen window Tilted",
    ),
    ("sensor", "io://{gw}/6006", "core:ElectricEnergyConsumptionState"): (
        "sensor.heater_energy",
        "Heater energy",
    ),
    ("sensor", "io://{gw}/6006", "core:ElectricPowerConsumptionState"): (
        "sensor.heater_energy_power_drawn",
        "Heater energy Power drawn",
    ),
    # A carbon monoxide detector: its concentration is the device, the alarm not.
    ("sensor", "io://{gw}/6005", "core:COConcentrationState"): (
        "sensor.boiler_room_co",
        "Boiler room CO",
    ),
    ("binary_sensor", "io://{gw}/6005", "core:GasDetectionState"): (
        "binary_sensor.boiler_room_co_gas",
        "Boiler room CO Gas",
    ),
    # The forecast has three readings, none of them the device's.
    ("sensor", "internal://{gw}/weather/0", "core:MaximumTemperatureState"): (
        "sensor.weather_highest_temperature",
        "Weather Highest temperature",
    ),
}


async def test_a_sensor_device_is_named_by_its_main_reading(
    hass: HomeAssistant,
    make_sim: SimFactory,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    gw = await start_gateway(
        hass, make_sim, monkeypatch, house="sensors", options=FAST_OPTIONS
    )
    found = {
        (domain, url, state): named(gw, domain, f"{url.format(gw=GW)}-{state}")
        for domain, url, state in NAMES
    }
    assert found == NAMES
    assert not unnamed_twice(gw)


async def test_a_sensor_part_of_another_device_keeps_its_name(
    hass: HomeAssistant,
    make_sim: SimFactory,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    base = f"io://{GW}/9101"
    house = setup(GW, setpoint_heater(base, "Lounge heater"))
    gw = await start_gateway(
        hass, make_sim, monkeypatch, house=house, options=FAST_OPTIONS
    )
    entity_id, name = named(gw, "sensor", f"{base}#2-core:TemperatureState")
    assert name == "Lounge heater Temperature"
    entry = er.async_get(hass).async_get(entity_id)
    assert entry is not None
    device = dr.async_get(hass).async_get(str(entry.device_id))
    assert device is not None
    assert device.name == "Lounge heater"
    assert not unnamed_twice(gw)


def test_main_readings_are_described_states() -> None:
    known = SENSOR_DESCRIPTIONS.keys() | BINARY_SENSOR_DESCRIPTIONS.keys()
    assert {state for state, _ in MAIN_READINGS} <= known
    # A kind of device has one main reading; a contact sensor's is its contact
    # (a door's) or its open/closed state (a window's), whichever it reports.
    kinds = Counter(kind for _, main_for in MAIN_READINGS for kind in main_for)
    assert [kind for kind, n in kinds.items() if n > 1] == ["ContactSensor"]


@pytest.mark.parametrize("dump", shared_dumps(), ids=lambda path: path.stem)
async def test_no_device_of_a_real_setup_has_two_unnamed_entities(
    hass: HomeAssistant,
    make_sim: SimFactory,
    monkeypatch: pytest.MonkeyPatch,
    dump: Path,
) -> None:
    gw = await start_gateway(
        hass, make_sim, monkeypatch, house=str(dump), options=FAST_OPTIONS
    )
    assert not unnamed_twice(gw)
