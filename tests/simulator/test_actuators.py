"""Actuators whose commands have a prototype: what the gateway refuses."""

from __future__ import annotations

from typing import Any

import pytest

from simulator import GatewaySimulator
from simulator.actuator_houses import actuators_house
from simulator.errors import ApiErrorResponse

from .conftest import GW

SIREN = f"io://{GW}/6201"
RING = "ringWithSingleSimpleSequence"


def ring(*params: Any) -> dict[str, Any]:
    return {
        "label": "unit",
        "actions": [
            {
                "deviceURL": SIREN,
                "commands": [{"name": RING, "parameters": list(params)}],
            }
        ],
    }


@pytest.fixture
def sim() -> GatewaySimulator:
    return GatewaySimulator(house=actuators_house(), speed=1000)


@pytest.mark.parametrize(
    "params",
    [
        (99, 75, 2, "memorizedVolume"),  # shorter than 100 ms
        (204_601, 75, 2, "memorizedVolume"),  # longer than 204.6 s
        (120_000, 101, 2, "memorizedVolume"),
        (120_000, 75, 1023, "memorizedVolume"),
        (120_000, 75, 2, "loud"),
    ],
)
def test_siren_refuses_a_ring_beyond_its_prototype(
    sim: GatewaySimulator, params: tuple[Any, ...]
) -> None:
    with pytest.raises(ApiErrorResponse) as err:
        sim.core.apply(ring(*params), "test")
    assert err.value.error.code == "INVALID_PARAMETER"
    assert not sim.running_executions


@pytest.mark.parametrize(
    "params",
    [
        (204_600, 75, 2, "highest"),
        ("defaultDuration", 0, "unlimited", "standard"),
    ],
)
async def test_siren_rings_within_its_prototype(
    sim: GatewaySimulator, params: tuple[Any, ...]
) -> None:
    sim.core.apply(ring(*params), "test")
    await sim.settle()
    assert sim.state(SIREN, "core:OnOffState") == "on"
