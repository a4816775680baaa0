"""Switch device kinds beyond plugs: what they report and refuse."""

from __future__ import annotations

from typing import Any

from pyoverkiz.converter import converter
from pyoverkiz.enums import UIWidget
from pyoverkiz.models import Device
import pytest

from simulator import GatewaySimulator
from simulator.errors import ApiErrorResponse
from simulator.switches import switches_house

from .conftest import GW

TANK = f"io://{GW}/8007#1"
CAMERA = f"myfox://{GW}/8008"
BELL = f"rtd://{GW}/8004"


def body(url: str, name: str, *params: Any) -> dict[str, Any]:
    return {
        "label": "unit",
        "actions": [
            {"deviceURL": url, "commands": [{"name": name, "parameters": list(params)}]}
        ],
    }


@pytest.fixture
async def sim() -> GatewaySimulator:
    """The switches house, used without its server: the core alone."""
    return GatewaySimulator(house=switches_house(), speed=1000)


def test_house_is_understood_by_pyoverkiz() -> None:
    house = switches_house()
    devices = converter.structure(house["devices"], list[Device])
    assert len(devices) == len(house["devices"])
    # Real widget names: none falls back to pyoverkiz's unknown value.
    assert all(d.widget is not UIWidget.UNKNOWN for d in devices)


async def test_camera_shutter_reports_opened_and_closed(sim: GatewaySimulator) -> None:
    sim.core.apply(body(CAMERA, "open"), "test")
    await sim.settle()
    assert sim.state(CAMERA, "myfox:ShutterStatusState") == "opened"
    sim.core.apply(body(CAMERA, "close"), "test")
    await sim.settle()
    assert sim.state(CAMERA, "myfox:ShutterStatusState") == "closed"


async def test_tank_forced_heating(sim: GatewaySimulator) -> None:
    sim.core.apply(body(TANK, "setForceHeating", "on"), "test")
    await sim.settle()
    assert sim.state(TANK, "io:ForceHeatingState") == "on"


@pytest.mark.parametrize(
    ("url", "command"),
    [
        (TANK, ("setForceHeating", "boost")),
        # The RTD bell rings without parameters, unlike the IO siren's ring.
        (BELL, ("ring", 1000, 75, 2, "memorizedVolume")),
    ],
)
def test_bad_parameters_are_refused(
    sim: GatewaySimulator, url: str, command: tuple[Any, ...]
) -> None:
    with pytest.raises(ApiErrorResponse) as err:
        sim.core.apply(body(url, *command), "test")
    assert err.value.error.code == "INVALID_PARAMETER"
    assert not sim.running_executions
