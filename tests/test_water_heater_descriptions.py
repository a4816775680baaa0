"""How the Atlantic water heaters' boost and absence read, across model generations."""

from __future__ import annotations

from typing import Any

from pyoverkiz.converter import converter
from pyoverkiz.models import Device
import pytest

from custom_components.overkiz_batch.water_heater_descriptions import (
    ATLANTIC_DHW,
    dhw_away,
    dhw_boost,
)
from simulator.houses import T_INT, T_OBJECT, T_STRING, device


def heater(
    states: list[tuple[str, int, Any]],
    commands: dict[str, int] | None = None,
    modes: list[str] | None = None,
) -> Device:
    raw = device(
        "io://0000-0000-0000/1#1",
        "Heater",
        "io:AtlanticDomesticHotWaterProductionIOComponent",
        "WaterHeatingSystem",
        "DomesticHotWaterProduction",
        commands or {"setDHWMode": 1},
        states
        if any(name == "io:DHWModeState" for name, _, _ in states)
        else [*states, ("io:DHWModeState", T_STRING, "manualEcoActive")],
        discrete={"io:DHWModeState": modes} if modes else None,
    )
    result: Device = converter.structure(raw, Device)
    return result


@pytest.mark.parametrize(
    ("states", "boost"),
    [
        ([("io:DHWBoostModeState", T_STRING, "on")], True),
        ([("modbuslink:DHWBoostModeState", T_STRING, "off")], False),
        ([("core:BoostModeDurationState", T_INT, 3)], True),
        ([("core:OperatingModeState", T_OBJECT, {"relaunch": "on"})], True),
        ([("core:OperatingModeState", T_STRING, "boost")], True),
        ([("core:OperatingModeState", T_STRING, "eco")], False),
    ],
)
def test_boost(states: list[tuple[str, int, Any]], boost: bool) -> None:
    assert dhw_boost(heater(states)) is boost


@pytest.mark.parametrize(
    ("states", "away"),
    [
        ([("io:DHWAbsenceModeState", T_STRING, "on")], True),
        ([("modbuslink:DHWAbsenceModeState", T_STRING, "off")], False),
        ([("io:AwayModeDurationState", T_STRING, "always")], True),
        ([("io:AwayModeDurationState", T_STRING, "3")], True),
        ([("io:AwayModeDurationState", T_STRING, "0")], False),
        ([("core:OperatingModeState", T_OBJECT, {"absence": "on"})], True),
        ([], None),
    ],
)
def test_away(states: list[tuple[str, int, Any]], away: bool | None) -> None:
    assert dhw_away(heater(states)) is away


def test_operations_follow_the_definition() -> None:
    listed = heater([], modes=["manualEcoActive", "manualEcoInactive", "unknown"])
    assert ATLANTIC_DHW.operations_fn(listed) == ["manual_eco", "manual"]
    # No list in the definition (local gateways), no boost without a command.
    assert "performance" not in ATLANTIC_DHW.operations_fn(heater([]))
    # ...or, as a local gateway tells the current mode, the modes of its set.
    older = heater([("io:DHWModeState", T_STRING, "eco")])
    assert ATLANTIC_DHW.operations_fn(older) == [
        "on",
        "high_demand",
        "off",
        "eco",
        "auto",
    ]
    newer = heater([("io:DHWModeState", T_STRING, "manualEcoActive")])
    assert ATLANTIC_DHW.operations_fn(newer) == ["auto", "manual_eco", "manual"]
    assert ATLANTIC_DHW.operation_fn(listed) == "manual_eco"


def test_older_models_boost_with_a_command() -> None:
    older = heater(
        [("io:DHWBoostModeState", T_STRING, "on")],
        commands={"setDHWMode": 1, "setBoostMode": 1, "setWaterTargetTemperature": 1},
    )
    assert ATLANTIC_DHW.operation_fn(older) == "performance"
    commands = ATLANTIC_DHW.operation_commands_fn(older, "manual")
    assert [(c.name, c.parameters) for c in commands] == [
        ("setBoostMode", ["off"]),
        ("setDHWMode", ["manualEcoInactive"]),
    ]
    on = ATLANTIC_DHW.operation_commands_fn(older, "performance")
    assert [(c.name, c.parameters) for c in on] == [("setBoostMode", ["on"])]
    setpoint = ATLANTIC_DHW.temperature_commands_fn(older, 55)
    assert [(c.name, c.parameters) for c in setpoint] == [
        ("setWaterTargetTemperature", [55])
    ]
    assert ATLANTIC_DHW.temperature_commands_fn(heater([]), 55) == []


def test_without_dhw_modes_only_the_boost_is_offered() -> None:
    """No ``setDHWMode``: no DHW mode; the heater runs (on) or boosts."""
    commands = {"setCurrentOperatingMode": 1, "setBoostModeDuration": 1}
    normal = heater([("core:BoostModeDurationState", T_INT, 0)], commands=commands)
    assert ATLANTIC_DHW.operations_fn(normal) == ["on", "performance"]
    assert ATLANTIC_DHW.operation_fn(normal) == "on"
    boosting = heater([("core:BoostModeDurationState", T_INT, 2)], commands=commands)
    assert ATLANTIC_DHW.operation_fn(boosting) == "performance"
    back = ATLANTIC_DHW.operation_commands_fn(boosting, "on")
    assert [(c.name, c.parameters) for c in back] == [
        ("setCurrentOperatingMode", [{"relaunch": "off", "absence": "off"}])
    ]
    assert ATLANTIC_DHW.operation_commands_fn(normal, "on") == []
    # Neither DHW modes nor boost: no operation at all.
    assert ATLANTIC_DHW.operations_fn(heater([], commands={"identify": 0})) == []
    assert ATLANTIC_DHW.operation_fn(heater([], commands={"identify": 0})) is None
