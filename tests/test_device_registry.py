"""The device registry on the simulated gateway: areas from the places, models."""

from __future__ import annotations

from typing import Any

from homeassistant.core import HomeAssistant
from homeassistant.helpers import area_registry as ar, device_registry as dr
from pyoverkiz.converter import converter
from pyoverkiz.models import Place
import pytest

from custom_components.overkiz_batch.const import DOMAIN
from custom_components.overkiz_batch.devices import place_areas
from simulator import GatewaySimulator, default_house
from simulator.devices import SimDevice
from simulator.houses import place_oid, roller_shutter
from tests.gateway_setup import SimFactory, coordinator_of, poll, setup_entry

GW = "0811-2300-4455"


def areas_by_device(
    hass: HomeAssistant, entry_id: str, gateway_id: str = GW
) -> dict[str, str | None]:
    """Each registered device (by base URL) and the name of its area."""
    areas = ar.async_get(hass)
    found: dict[str, str | None] = {}
    for device in dr.async_entries_for_config_entry(dr.async_get(hass), entry_id):
        (_, url), *_ = device.identifiers
        if url == gateway_id:
            continue
        area = areas.async_get_area(device.area_id) if device.area_id else None
        found[url] = area.name if area else None
    return found


def device_entry(hass: HomeAssistant, entry_id: str, url: str) -> dr.DeviceEntry:
    device = dr.async_get(hass).async_get_device_by_identifier((DOMAIN, url), entry_id)
    assert device is not None, url
    return device


async def test_cloud_devices_are_put_in_the_areas_of_their_rooms(
    hass: HomeAssistant, make_sim: SimFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    sim = await make_sim(mode="cloud")
    entry = await setup_entry(hass, sim, monkeypatch)

    areas = areas_by_device(hass, entry.entry_id)
    assert areas[f"io://{GW}/1001"] == "Living room"
    assert areas[f"io://{GW}/1002"] == "Kitchen"
    assert areas[f"io://{GW}/1006"] == "Attic"  # a room with no floor
    assert areas[f"rts://{GW}/16000001"] == "Garage"
    assert areas[f"io://{GW}/3002"] == "Garden"
    # Devices left in the house itself (the root place) get no area.
    assert areas[f"rts://{GW}/16000002"] is None
    assert areas[f"rts://{GW}/16000003"] is None
    # A device in parts: the heater and its sensor in the living room; the valve
    # in the bedroom, its sensor left in the house.
    assert areas[f"io://{GW}/4002"] == "Living room"
    assert areas[f"io://{GW}/5001"] == "Bedroom"
    # Floors and rooms became areas, the house did not.
    names = {area.name for area in ar.async_get(hass).async_list_areas()}
    assert "House" not in names
    assert {"Living room", "Bedroom", "Garden"} <= names

    # A device the gateway gains later is put in its room too.
    url = f"io://{GW}/9001"
    raw = roller_shutter(url, "New shutter")
    raw["placeOID"] = place_oid("Office")
    sim.core.house["devices"].append(raw)
    sim.core.devices[url] = SimDevice(raw)
    sim.core.emit({"name": "DeviceCreatedEvent", "deviceURL": url})
    await poll(hass, coordinator_of(entry))
    assert areas_by_device(hass, entry.entry_id)[url] == "Office"


async def test_local_devices_get_no_area(
    hass: HomeAssistant, sim: GatewaySimulator
) -> None:
    """A local gateway tells no places: areas are the user's to choose."""
    entry = await setup_entry(hass, sim)

    areas = areas_by_device(hass, entry.entry_id)
    assert set(areas) == {url.split("#")[0] for url in sim.device_urls}
    assert set(areas.values()) == {None}
    assert not ar.async_get(hass).async_list_areas()


async def test_a_device_keeps_the_area_it_has(
    hass: HomeAssistant, make_sim: SimFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The suggestion is for a device new to the registry; the user's area stays."""
    sim = await make_sim(mode="cloud")
    entry = await setup_entry(hass, sim, monkeypatch)
    devices = dr.async_get(hass)
    cellar = ar.async_get(hass).async_create("Cellar")
    shutter = device_entry(hass, entry.entry_id, f"io://{GW}/1001")
    devices.async_update_device(shutter.id, area_id=cellar.id)
    heater = device_entry(hass, entry.entry_id, f"io://{GW}/4002")
    devices.async_update_device(heater.id, area_id=None)

    assert await hass.config_entries.async_reload(entry.entry_id)
    await hass.async_block_till_done()

    areas = areas_by_device(hass, entry.entry_id)
    assert areas[f"io://{GW}/1001"] == "Cellar"
    assert areas[f"io://{GW}/4002"] is None
    assert areas[f"io://{GW}/1002"] == "Kitchen"


def _with_heater_parts_moved(house: dict[str, Any]) -> dict[str, Any]:
    """Leave the heater in the house, put its sensor in the kitchen; no attribute
    names its manufacturer."""
    for raw in house["devices"]:
        if raw["deviceURL"] == f"io://{GW}/4002#1":
            raw["placeOID"] = house["rootPlace"]["oid"]
            raw["attributes"] = [
                a for a in raw["attributes"] if a["name"] != "core:Manufacturer"
            ]
        elif raw["deviceURL"] == f"io://{GW}/4002#2":
            raw["placeOID"] = place_oid("Kitchen")
    return house


async def test_first_part_placed_in_a_room_gives_the_area(
    hass: HomeAssistant, make_sim: SimFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    sim = await make_sim(mode="cloud", house=_with_heater_parts_moved(default_house()))
    entry = await setup_entry(hass, sim, monkeypatch)

    heater = device_entry(hass, entry.entry_id, f"io://{GW}/4002")
    assert areas_by_device(hass, entry.entry_id)[f"io://{GW}/4002"] == "Kitchen"
    # Without the attribute, the manufacturer the device tells in a state.
    assert heater.manufacturer == "Thermor"


@pytest.mark.parametrize("mode", ["local", "cloud"])
async def test_device_model_and_versions(
    hass: HomeAssistant,
    make_sim: SimFactory,
    monkeypatch: pytest.MonkeyPatch,
    mode: str,
) -> None:
    """Model: what the device tells, else its UI class; model id: its widget."""
    sim = await make_sim(mode=mode)
    entry = await setup_entry(hass, sim, monkeypatch)

    shutter = device_entry(hass, entry.entry_id, f"io://{GW}/1001")
    assert (shutter.model, shutter.model_id, shutter.hw_version) == (
        "RollerShutter",
        "PositionableRollerShutter",
        "io:RollerShutterGenericIOComponent",
    )
    assert (shutter.manufacturer, shutter.sw_version) == ("Somfy", "5100000X01")
    assert shutter.name == "Living room shutter 1"
    heater = device_entry(hass, entry.entry_id, f"io://{GW}/4002")
    assert (heater.model, heater.model_id, heater.hw_version) == (
        "Emotion 3 H",
        "AtlanticElectricalHeaterWithAdjustableTemperatureSetpoint",
        "io:AtlanticElectricalHeaterWithAdjustableTemperatureSetpointIOComponent",
    )
    assert heater.manufacturer == "Atlantic"  # the attribute before the state
    awning = device_entry(hass, entry.entry_id, f"io://{GW}/2001")
    assert (awning.model, awning.model_id) == (
        "Awning",
        "PositionableHorizontalAwning",
    )


def test_place_areas_name_the_places_under_the_home() -> None:
    root = converter.structure(
        {
            "creationTime": 0,
            "label": "Home",
            "type": 200,
            "oid": "home",
            "subPlaces": [
                {
                    "creationTime": 0,
                    "label": "Upstairs",
                    "type": 102,
                    "oid": "up",
                    "subPlaces": [
                        {"creationTime": 0, "label": " Den ", "type": 5, "oid": "den"},
                        {"creationTime": 0, "label": " ", "type": 6, "oid": "blank"},
                    ],
                },
            ],
        },
        Place,
    )
    assert place_areas(root) == {"up": "Upstairs", "den": "Den"}
    assert place_areas(None) == {}
