"""Numbers against the simulated gateway: the right command and parameters, ranges
from the device, and a water heater's boost written in several timed steps.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import timedelta
import logging
from pathlib import Path
from typing import Any

from homeassistant.components.number import (
    ATTR_MAX,
    ATTR_VALUE,
    DOMAIN as NUMBER_DOMAIN,
    SERVICE_SET_VALUE,
)
from homeassistant.const import Platform
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError, ServiceValidationError
from homeassistant.helpers import entity_registry as er
from homeassistant.util import dt as dt_util
import pytest
from pytest_homeassistant_custom_component.common import async_fire_time_changed
from syrupy.assertion import SnapshotAssertion

from custom_components.overkiz_batch.const import CONF_BUSY_MODE
from custom_components.overkiz_batch.number import (
    BOOST_DURATION_REFRESH,
    BOOST_DURATION_SETTLE,
)
from simulator.houses import DEFAULT_GATEWAY_ID as GW
from tests.conftest import shared_dumps
from tests.core_overkiz import core_enabled_unique_ids
from tests.gateway_setup import Gateway, gateway, snapshot_entities

pytestmark = pytest.mark.usefixtures("socket_enabled")

HOUSE = "controls"
SHUTTER = f"io://{GW}/1001"
LIGHT = f"io://{GW}/6101"
INTERFACE = f"ovp://{GW}/6401"
DRYER = f"io://{GW}/6402#1"
HEATER = f"io://{GW}/6403#1"
TERRACE = f"io://{GW}/6404"
TANK = f"modbuslink://{GW}/6405"
BOOST = "number.water_heater_boost_duration"


def value_of(hass: HomeAssistant, entity_id: str) -> float:
    state = hass.states.get(entity_id)
    assert state is not None
    return float(state.state)


async def set_value(gw: Gateway, entity_id: str, value: float) -> None:
    await gw.call(NUMBER_DOMAIN, SERVICE_SET_VALUE, entity_id, **{ATTR_VALUE: value})


async def wait_for(check: Callable[[], bool]) -> None:
    """Let the gateway answer (real sockets) until ``check`` holds."""
    for _ in range(300):
        if check():
            return
        await asyncio.sleep(0.01)
    raise AssertionError("the gateway never got there")


def later(hass: HomeAssistant, seconds: float) -> None:
    """Move Home Assistant's clock on by ``seconds``."""
    async_fire_time_changed(hass, dt_util.utcnow() + timedelta(seconds=seconds))


async def test_entities(
    hass: HomeAssistant,
    entity_registry: er.EntityRegistry,
    snapshot: SnapshotAssertion,
) -> None:
    async with gateway(hass, Platform.NUMBER, house=HOUSE) as gw:
        await snapshot_entities(gw, entity_registry, snapshot)


@pytest.mark.parametrize(
    ("entity_id", "value", "device_url", "command", "shown"),
    [
        # A shutter's "my" is a closure; shown as the cover shows positions.
        (
            "number.kitchen_shutter_my_position",
            70,
            SHUTTER,
            ("setMemorized1Position", [30]),
            70,
        ),
        (
            "number.hall_light_my_position",
            55,
            LIGHT,
            ("setMemorized1Position", [55]),
            55,
        ),
        (
            "number.heating_interface_comfort_temperature",
            21.5,
            INTERFACE,
            ("setComfortTemperature", [21.5]),
            21.5,
        ),
        (
            "number.heating_interface_eco_temperature",
            16,
            INTERFACE,
            ("setEcoTemperature", [16.0]),
            16,
        ),
        (
            "number.heating_interface_frost_protection_temperature",
            8,
            INTERFACE,
            ("setSecuredPositionTemperature", [8.0]),
            8,
        ),
        (
            "number.towel_dryer_drying_duration",
            45,
            DRYER,
            ("setDryingDuration", [45]),
            45,
        ),
        (
            "number.water_heater_away_duration",
            3,
            HEATER,
            ("setAwayModeDuration", [3]),
            3,
        ),
        (
            "number.water_heater_expected_number_of_showers",
            5,
            HEATER,
            ("setExpectedNumberOfShower", [5]),
            5,
        ),
        (
            "number.hot_water_tank_target_temperature",
            60,
            TANK,
            ("setTargetDHWTemperature", [60.0]),
            60,
        ),
        # A terrace heater's level 100 is off: 30 % heat is level 70.
        ("number.terrace_heater", 30, TERRACE, ("setLevel", [70]), 30),
    ],
)
async def test_write_sends_the_command(
    hass: HomeAssistant,
    entity_id: str,
    value: float,
    device_url: str,
    command: tuple[str, list[Any]],
    shown: float,
) -> None:
    async with gateway(hass, Platform.NUMBER, house=HOUSE) as gw:
        await set_value(gw, entity_id, value)
        await gw.sync()
        assert gw.commands(device_url) == [command]
        assert value_of(hass, entity_id) == shown


async def test_range_comes_from_the_device(hass: HomeAssistant) -> None:
    entity_id = "number.towel_dryer_boost_duration"
    async with gateway(hass, Platform.NUMBER, house=HOUSE) as gw:
        state = hass.states.get(entity_id)
        assert state is not None
        assert state.attributes[ATTR_MAX] == 45  # io:BoostDurationMaxState
        with pytest.raises(ServiceValidationError):
            await set_value(gw, entity_id, 50)
        await gw.sync()
        assert gw.commands(DRYER) == []
        # The device raises its maximum: the range follows.
        gw.sim.set_state(DRYER, "io:BoostDurationMaxState", 60, kind=1)
        await gw.poll()
        await set_value(gw, entity_id, 50)
        await gw.sync()
        assert gw.commands(DRYER) == [("setTowelDryerBoostModeDuration", [50])]
        assert value_of(hass, entity_id) == 50


async def test_boost_is_set_in_timed_steps(hass: HomeAssistant) -> None:
    async with gateway(hass, Platform.NUMBER, house=HOUSE) as gw:
        write = asyncio.create_task(set_value(gw, BOOST, 3))
        await wait_for(lambda: len(gw.commands(HEATER)) == 1)
        assert gw.commands(HEATER) == [("setBoostModeDuration", [3])]
        # The boost is switched on only once the device had its moment.
        await asyncio.sleep(0.05)
        assert len(gw.commands(HEATER)) == 1
        later(hass, BOOST_DURATION_SETTLE)
        await wait_for(lambda: len(gw.commands(HEATER)) == 2)
        assert gw.commands(HEATER)[1] == (
            "setCurrentOperatingMode",
            [{"relaunch": "on", "absence": "off"}],
        )
        # The new duration is read back after the device took it.
        await asyncio.sleep(0.05)
        assert len(gw.commands(HEATER)) == 2
        later(hass, BOOST_DURATION_SETTLE + BOOST_DURATION_REFRESH)
        await wait_for(lambda: len(gw.commands(HEATER)) == 3)
        await write
        assert gw.commands(HEATER)[2] == ("refreshBoostModeDuration", [])
        assert gw.sim.stats.executions_accepted == 3
        await gw.sync()
        assert value_of(hass, BOOST) == 3
        assert gw.sim.state(HEATER, "core:OperatingModeState") == {
            "relaunch": "on",
            "absence": "off",
        }


async def test_boost_zero_switches_it_off(hass: HomeAssistant) -> None:
    async with gateway(hass, Platform.NUMBER, house=HOUSE) as gw:
        write = asyncio.create_task(set_value(gw, BOOST, 0))
        await wait_for(lambda: len(gw.commands(HEATER)) == 1)
        later(hass, BOOST_DURATION_REFRESH)
        await write
        await gw.sync()
        assert gw.commands(HEATER) == [
            ("setCurrentOperatingMode", [{"relaunch": "off", "absence": "off"}]),
            ("refreshBoostModeDuration", []),
        ]


async def test_second_write_waits_for_the_first(hass: HomeAssistant) -> None:
    async with gateway(hass, Platform.NUMBER, house=HOUSE) as gw:
        first = asyncio.create_task(set_value(gw, BOOST, 2))
        await wait_for(lambda: len(gw.commands(HEATER)) == 1)
        second = asyncio.create_task(set_value(gw, BOOST, 0))
        for step in range(1, 6):
            later(hass, step * (BOOST_DURATION_SETTLE + BOOST_DURATION_REFRESH))
            await asyncio.sleep(0.05)
        await asyncio.gather(first, second)
        await gw.sync()
        assert [name for name, _ in gw.commands(HEATER)] == [
            "setBoostModeDuration",
            "setCurrentOperatingMode",
            "refreshBoostModeDuration",
            "setCurrentOperatingMode",
            "refreshBoostModeDuration",
        ]
        assert gw.commands(HEATER)[3][1] == [{"relaunch": "off", "absence": "off"}]


async def test_reject_mode_refuses_a_write_while_one_runs(hass: HomeAssistant) -> None:
    options = {CONF_BUSY_MODE: "reject"}
    async with gateway(hass, Platform.NUMBER, house=HOUSE, **options) as gw:
        first = asyncio.create_task(set_value(gw, BOOST, 2))
        await wait_for(lambda: len(gw.commands(HEATER)) == 1)
        with pytest.raises(HomeAssistantError) as err:
            await set_value(gw, BOOST, 4)
        assert err.value.translation_key == "device_busy"
        for step in range(1, 3):
            later(hass, step * (BOOST_DURATION_SETTLE + BOOST_DURATION_REFRESH))
            await asyncio.sleep(0.05)
        await first
        assert gw.commands(HEATER)[0][0] == "setBoostModeDuration"
        assert ("setBoostModeDuration", [4]) not in gw.commands(HEATER)


async def test_gateway_refusal_is_reported(hass: HomeAssistant) -> None:
    async with gateway(hass, Platform.NUMBER, house=HOUSE) as gw:
        gw.sim.fail("exec/apply", "NO_SUCH_COMMAND")
        with pytest.raises(HomeAssistantError) as err:
            await set_value(gw, "number.hall_light_my_position", 20)
        assert err.value.translation_key == "command_refused"
        # The number still works afterwards.
        await set_value(gw, "number.hall_light_my_position", 20)
        await gw.sync()
        assert value_of(hass, "number.hall_light_my_position") == 20


@pytest.mark.parametrize("dump", shared_dumps(), ids=lambda path: path.stem)
async def test_real_setups(
    hass: HomeAssistant, dump: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """Every number core enables on the same devices, with core's unique id."""
    async with gateway(hass, Platform.NUMBER, house=str(dump)) as gw:
        ours = {
            e.unique_id
            for e in er.async_entries_for_config_entry(
                er.async_get(hass), gw.entry.entry_id
            )
        }
        core = core_enabled_unique_ids(Platform.NUMBER, gw.coordinator.data.values())
        assert core <= ours
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]


async def test_atlantic_eco_is_kept_below_comfort(hass: HomeAssistant) -> None:
    """An Atlantic heater keeps its eco temperature as degrees below comfort."""
    heater = f"io://{GW}/4002#1"  # default house: comfort 20, eco 3.5 below
    eco = "number.living_room_heater_eco_temperature"
    async with gateway(hass, Platform.NUMBER) as gw:
        assert value_of(hass, eco) == 16.5
        state = hass.states.get(eco)
        assert state is not None
        assert state.attributes[ATTR_MAX] == 20  # never above comfort
        await set_value(gw, eco, 17)
        await gw.sync()
        assert gw.commands(heater) == [("setEcoTemperature", [3.0])]
        assert value_of(hass, eco) == 17
        with pytest.raises(ServiceValidationError):
            await set_value(gw, eco, 21)
        # Comfort raised on the device: eco follows, still 3 degrees below.
        gw.sim.set_state(heater, "core:ComfortRoomTemperatureState", 21.0, kind=2)
        await gw.poll()
        assert value_of(hass, eco) == 18
        # Comfort unknown: the eco temperature cannot be worked out or written.
        gw.sim.set_state(heater, "core:ComfortRoomTemperatureState", None, kind=2)
        await gw.poll()
        unknown = hass.states.get(eco)
        assert unknown is not None
        assert unknown.state == "unknown"
        with pytest.raises(ServiceValidationError) as err:
            await set_value(gw, eco, 16)
        assert err.value.translation_key == "reference_unknown"
        assert len(gw.commands(heater)) == 1
