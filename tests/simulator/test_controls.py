"""Device kinds behind buttons, numbers and selects: what they do and refuse."""

from __future__ import annotations

from typing import Any

from pyoverkiz.converter import converter
from pyoverkiz.enums import UIWidget
from pyoverkiz.models import Device
import pytest

from simulator import GatewaySimulator, load_house
from simulator.controls import controls_house
from simulator.errors import ApiErrorResponse

from .conftest import GW, action, connect, execute

GATE = f"io://{GW}/6001"
DOOR = f"io://{GW}/6002"
LIGHT = f"io://{GW}/6101"
SCREEN = f"ogp://{GW}/6201"
SIREN = f"io://{GW}/6304"
ALARM = f"io://{GW}/6303"
INTERFACE = f"ovp://{GW}/6401"
DRYER = f"io://{GW}/6402#1"
HEATER = f"io://{GW}/6403#1"
TANK = f"modbuslink://{GW}/6405"


def body(url: str, *commands: tuple[Any, ...]) -> dict[str, Any]:
    return {
        "label": "unit",
        "actions": [
            {
                "deviceURL": url,
                "commands": [
                    {"name": name, "parameters": list(params)}
                    for name, *params in commands
                ],
            }
        ],
    }


async def run(sim: GatewaySimulator, url: str, *commands: tuple[Any, ...]) -> None:
    """Apply one action through the core and let it finish."""
    sim.core.apply(body(url, *commands), "test")
    await sim.settle()


@pytest.fixture
async def controls_sim() -> GatewaySimulator:
    """The controls house, used without its server: the core alone."""
    return GatewaySimulator(house="controls", speed=1000)


def test_controls_house_is_understood_by_pyoverkiz() -> None:
    house = load_house("controls")
    assert house == controls_house()
    devices = converter.structure(house["devices"], list[Device])
    assert len(devices) == len(house["devices"])
    # Real widget names: none falls back to pyoverkiz's unknown value.
    assert all(d.widget is not UIWidget.UNKNOWN for d in devices)


async def test_pedestrian_gate(controls_sim: GatewaySimulator) -> None:
    state = "core:OpenClosedPedestrianState"
    await run(controls_sim, GATE, ("setPedestrianPosition",))
    assert controls_sim.state(GATE, state) == "pedestrian"
    await run(controls_sim, GATE, ("open",))
    assert controls_sim.state(GATE, state) == "open"
    await run(controls_sim, GATE, ("stop",))
    assert controls_sim.state(GATE, state) == "open"
    await run(controls_sim, GATE, ("close",))
    assert controls_sim.state(GATE, state) == "closed"


async def test_partial_door_follows_its_position(
    controls_sim: GatewaySimulator,
) -> None:
    state = "core:OpenClosedPartialState"
    await run(controls_sim, DOOR, ("partialPosition",))
    assert controls_sim.state(DOOR, "core:ClosureState") == 80
    assert controls_sim.state(DOOR, state) == "partial"
    await run(controls_sim, DOOR, ("open",))
    assert controls_sim.state(DOOR, state) == "open"
    await run(controls_sim, DOOR, ("setClosure", 100))
    assert controls_sim.state(DOOR, state) == "closed"


async def test_favourites(controls_sim: GatewaySimulator) -> None:
    await run(controls_sim, LIGHT, ("my",))
    assert controls_sim.state(LIGHT, "core:LightIntensityState") == 40
    assert controls_sim.state(LIGHT, "core:OnOffState") == "on"
    await run(controls_sim, SCREEN, ("goToAlias", "1"))
    assert controls_sim.state(SCREEN, "core:ClosureState") == 30


async def test_alarm_zones(controls_sim: GatewaySimulator) -> None:
    await run(controls_sim, ALARM, ("alarmZoneOn", "B,C"))
    assert controls_sim.state(ALARM, "core:ActiveZonesState") == "B,C"
    await run(controls_sim, ALARM, ("alarmOn",))
    assert controls_sim.state(ALARM, "core:ActiveZonesState") == "A,B,C"
    await run(controls_sim, ALARM, ("alarmOff",))
    assert controls_sim.state(ALARM, "core:ActiveZonesState") == ""


async def test_settings(controls_sim: GatewaySimulator) -> None:
    await run(controls_sim, INTERFACE, ("setOperatingMode", "cooling"))
    assert controls_sim.state(
        INTERFACE, "ovp:HeatingTemperatureInterfaceOperatingModeState"
    ) == ("cooling")
    await run(controls_sim, INTERFACE, ("setComfortTemperature", 21.5))
    assert controls_sim.state(INTERFACE, "core:ComfortRoomTemperatureState") == 21.5
    await run(controls_sim, DRYER, ("setTowelDryerBoostModeDuration", 45))
    assert controls_sim.state(DRYER, "io:BoostDurationUserParameterState") == 45
    await run(controls_sim, DRYER, ("setDryingDuration", 60))
    assert controls_sim.state(DRYER, "io:DryingDurationUserParameterState") == 60
    await run(controls_sim, SIREN, ("setMemorizedSimpleVolume", "highest"))
    assert controls_sim.state(SIREN, "io:MemorizedSimpleVolumeState") == "highest"
    # A boost: its duration, then the boost itself (the water heater's model).
    await run(controls_sim, HEATER, ("setBoostModeDuration", 2))
    await run(controls_sim, HEATER, ("setCurrentOperatingMode", {"relaunch": "on"}))
    assert controls_sim.state(HEATER, "core:OperatingModeState") == {
        "relaunch": "on",
        "absence": "off",
    }
    assert controls_sim.state(HEATER, "core:BoostModeDurationState") == 2


@pytest.mark.parametrize(
    ("url", "command"),
    [
        (ALARM, ("alarmZoneOn", "D")),
        (ALARM, ("alarmZoneOn", "")),
        (INTERFACE, ("setOperatingMode", "drying")),
        (LIGHT, ("setMemorized1Position", 120)),
        (HEATER, ("setCurrentOperatingMode", "on")),
        (DRYER, ("setTowelDryerBoostModeDuration", 46)),  # maximum 45
        (DRYER, ("setDryingDuration", "long")),
        (HEATER, ("setExpectedNumberOfShower", 1)),  # minimum 2
        (TANK, ("setTargetDHWTemperature", 70)),  # maximum 62
    ],
)
def test_bad_parameters_are_refused(
    controls_sim: GatewaySimulator, url: str, command: tuple[Any, ...]
) -> None:
    with pytest.raises(ApiErrorResponse) as err:
        controls_sim.core.apply(body(url, command), "test")
    assert err.value.error.code == "INVALID_PARAMETER"
    assert not controls_sim.running_executions


async def test_commands_over_http() -> None:
    async with (
        GatewaySimulator(house="controls", mode="local", speed=1000) as gateway,
        connect(gateway) as client,
    ):
        await execute(client, action(GATE, "setPedestrianPosition"))
        await gateway.settle()
        assert gateway.state(GATE, "core:OpenClosedPedestrianState") == "pedestrian"
        await execute(client, action(ALARM, "alarmZoneOn", "A"))
        await gateway.settle()
        assert gateway.state(ALARM, "core:ActiveZonesState") == "A"
