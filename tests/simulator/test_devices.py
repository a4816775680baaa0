"""Device behaviour, driven through the gateway core (no HTTP needed)."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from simulator import GatewaySimulator
from simulator.devices import Change, Move, SimDevice, Stop
from simulator.errors import ApiErrorResponse
from simulator.houses import awning, roller_shutter

from .conftest import (
    AWNING,
    CLOSED_SHUTTER,
    LEVEL_HEATER,
    RTS_SHUTTER,
    SETPOINT_HEATER,
    SHUTTER,
    SWITCH,
    VALVE,
)


async def run(sim: GatewaySimulator, url: str, *commands: tuple[Any, ...]) -> None:
    """Apply one action through the core and let it finish."""
    body = {
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
    sim.core.apply(body, "test")
    await sim.settle()


@pytest.fixture
async def core_sim() -> GatewaySimulator:
    """A simulator used without its server: the core alone."""
    return GatewaySimulator(speed=1000)


async def test_switch(core_sim: GatewaySimulator) -> None:
    await run(core_sim, SWITCH, ("on",))
    assert core_sim.state(SWITCH, "core:OnOffState") == "on"
    await run(core_sim, SWITCH, ("setOnOff", "off"))
    assert core_sim.state(SWITCH, "core:OnOffState") == "off"


async def test_heating_level_heater(core_sim: GatewaySimulator) -> None:
    await run(core_sim, LEVEL_HEATER, ("setHeatingLevel", "comfort"))
    assert core_sim.state(LEVEL_HEATER, "io:TargetHeatingLevelState") == "comfort"
    assert core_sim.state(LEVEL_HEATER, "core:OnOffState") == "on"
    await run(core_sim, LEVEL_HEATER, ("off",))
    assert core_sim.state(LEVEL_HEATER, "io:TargetHeatingLevelState") == "off"
    assert core_sim.state(LEVEL_HEATER, "core:OnOffState") == "off"


async def test_setpoint_heater(core_sim: GatewaySimulator) -> None:
    await run(
        core_sim,
        SETPOINT_HEATER,
        ("setOperatingMode", "internal"),
        ("setTargetTemperature", 21.5),
    )
    assert core_sim.state(SETPOINT_HEATER, "core:OperatingModeState") == "internal"
    assert core_sim.state(SETPOINT_HEATER, "core:TargetTemperatureState") == 21.5
    sensor = SETPOINT_HEATER.replace("#1", "#2")
    assert core_sim.state(sensor, "core:TemperatureState") == 18.5


async def test_heating_valve(core_sim: GatewaySimulator) -> None:
    await run(core_sim, VALVE, ("setDerogation", 22, "further_notice"))
    assert core_sim.state(VALVE, "core:TargetTemperatureState") == 22
    assert core_sim.state(VALVE, "io:DerogationTypeState") == "further_notice"
    await run(core_sim, VALVE, ("setDerogation", "eco", "next_mode"))
    assert core_sim.state(VALVE, "io:DerogationHeatingModeState") == "eco"
    await run(core_sim, VALVE, ("exitDerogation",))
    assert core_sim.state(VALVE, "io:DerogationTypeState") == "next_mode"


async def test_awning_deploys(core_sim: GatewaySimulator) -> None:
    assert core_sim.state(AWNING, "core:OpenClosedState") == "closed"
    await run(core_sim, AWNING, ("deploy",))
    assert core_sim.state(AWNING, "core:DeploymentState") == 100
    assert core_sim.state(AWNING, "core:OpenClosedState") == "open"
    await run(core_sim, AWNING, ("setDeployment", 40))
    assert core_sim.state(AWNING, "core:DeploymentState") == 40
    await run(core_sim, AWNING, ("undeploy",))
    assert core_sim.state(AWNING, "core:OpenClosedState") == "closed"


async def test_shutter_my_position_and_open(core_sim: GatewaySimulator) -> None:
    await run(core_sim, CLOSED_SHUTTER, ("my",))
    assert core_sim.state(CLOSED_SHUTTER, "core:ClosureState") == 50
    await run(core_sim, CLOSED_SHUTTER, ("open",))
    assert core_sim.state(CLOSED_SHUTTER, "core:ClosureState") == 0
    assert core_sim.state(CLOSED_SHUTTER, "core:TargetClosureState") == 0


async def test_rts_devices_keep_no_state(core_sim: GatewaySimulator) -> None:
    await run(core_sim, RTS_SHUTTER, ("close", 0), ("stop", 0))
    assert core_sim.stats.device_commands[RTS_SHUTTER] == [
        ("close", [0]),
        ("stop", [0]),
    ]
    assert core_sim.core.devices[RTS_SHUTTER].states() == []


@pytest.mark.parametrize(
    ("url", "command", "params", "match"),
    [
        (RTS_SHUTTER, "close", [], "expects 1"),
        (RTS_SHUTTER, "close", [-1], ">= 0"),
        (RTS_SHUTTER, "close", ["0"], "integer"),
        (SHUTTER, "setClosure", [101], "0..100"),
        (SHUTTER, "setClosure", [], "expects 1"),
        (SHUTTER, "close", [1], "expects 0"),
        (LEVEL_HEATER, "setHeatingLevel", ["tropical"], "unknown level"),
        (SETPOINT_HEATER, "setTargetTemperature", ["warm"], "number"),
        (SWITCH, "setOnOff", ["maybe"], "'on' or 'off'"),
        (VALVE, "setDerogation", [None, "further_notice"], "temperature or a mode"),
        (SWITCH, "fly", [], "No such command"),
    ],
)
def test_bad_commands_are_rejected(
    url: str, command: str, params: list[Any], match: str
) -> None:
    device = GatewaySimulator().core.devices[url]
    with pytest.raises(ApiErrorResponse, match=match):
        device.check(command, params)


@pytest.mark.parametrize(
    "body",
    [
        None,
        {"actions": []},
        {"actions": [{"commands": [{"name": "open"}]}]},
        {"actions": [{"deviceURL": SHUTTER, "commands": []}]},
        {"actions": [{"deviceURL": SHUTTER, "commands": [{"parameters": []}]}]},
        {
            "actions": [
                {"deviceURL": SHUTTER, "commands": [{"name": "open", "parameters": 1}]}
            ]
        },
    ],
)
async def test_malformed_action_groups(body: Any) -> None:
    sim = GatewaySimulator()
    with pytest.raises(ApiErrorResponse) as raised:
        sim.core.apply(body, "test")
    assert raised.value.error.code == "MISSING_PARAMETERS"
    assert sim.running_executions == 0


def test_effects() -> None:
    shutter = SimDevice(roller_shutter("io://1234-5678-9012/1", "S", closure=20))
    assert shutter.effect("setClosure", [42.4]) == Move(42)
    assert shutter.effect("down", []) == Move(100)
    assert shutter.effect("stop", []) == Stop()
    assert shutter.effect("identify", []) == Change({})
    folded = SimDevice(awning("io://1234-5678-9012/2", "A"))
    assert folded.effect("deploy", []) == Move(100)
    assert folded.position_changes(0, moving=False)["core:OpenClosedState"] == "closed"


def test_device_without_definition_is_inert() -> None:
    device = SimDevice({"deviceURL": "ogp://1234-5678-9012/00FF"})
    assert device.states() == []
    assert device.position == 0
    with pytest.raises(ApiErrorResponse, match="No such command"):
        device.check("play", [])


async def test_set_state_from_outside_emits_an_event(
    core_sim: GatewaySimulator,
) -> None:
    listener = core_sim.core.register_listener("test")
    core_sim.set_state(SHUTTER, "core:ClosureState", 30)
    core_sim.set_state(SHUTTER, "core:ClosureState", 30)  # no change, no event
    core_sim.set_state(SHUTTER, "core:RSSILevelState", 80, kind=1)
    events = core_sim.core.fetch(listener)
    assert [e["deviceStates"] for e in events] == [
        [{"name": "core:ClosureState", "type": 1, "value": 30}],
        [{"name": "core:RSSILevelState", "type": 1, "value": 80}],
    ]


async def test_devices_come_and_go(core_sim: GatewaySimulator) -> None:
    listener = core_sim.core.register_listener("test")
    new = roller_shutter("io://0811-2300-4455/9999", "New", closure=100)
    core_sim.add_device(new)
    with pytest.raises(ValueError, match="already exists"):
        core_sim.add_device(new)
    await run(core_sim, new["deviceURL"], ("open",))
    assert core_sim.state(new["deviceURL"], "core:ClosureState") == 0
    core_sim.set_available(SWITCH, False)
    assert core_sim.state(SWITCH, "core:StatusState") == "unavailable"
    core_sim.set_available(SWITCH, True)
    core_sim.remove_device(new["deviceURL"])
    core_sim.emit({"name": "GatewaySynchronizationEndedEvent", "gatewayId": "x"})
    assert new["deviceURL"] not in core_sim.device_urls
    names = [e["name"] for e in core_sim.core.fetch(listener)]
    assert names[0] == "DeviceCreatedEvent"
    assert names[-5:] == [
        "DeviceUnavailableEvent",
        "DeviceStateChangedEvent",
        "DeviceAvailableEvent",
        "DeviceRemovedEvent",
        "GatewaySynchronizationEndedEvent",
    ]


async def test_overlapping_settles(core_sim: GatewaySimulator) -> None:
    core_sim.speed = 0.001  # would take hours without settling
    core_sim.core.apply(
        {"actions": [{"deviceURL": SHUTTER, "commands": [{"name": "close"}]}]}, "t"
    )
    await asyncio.gather(core_sim.settle(), core_sim.settle())
    assert core_sim.state(SHUTTER, "core:ClosureState") == 100
    assert not core_sim.core.clock.fast


def test_state_changes_before_start_need_no_loop() -> None:
    sim = GatewaySimulator()
    sim.go_down()
    sim.set_state(SWITCH, "core:OnOffState", "on")
    assert sim.state(SWITCH, "core:OnOffState") == "on"
    sim.go_up()


async def test_no_task_outlives_the_simulator() -> None:
    async with GatewaySimulator(speed=1) as sim:
        for url in sim.device_urls[:4]:
            sim.core.apply(
                {
                    "actions": [
                        {
                            "deviceURL": url,
                            "commands": [{"name": "setClosure", "parameters": [55]}],
                        }
                    ]
                },
                "test",
            )
        await asyncio.sleep(0)
        assert sim.running_executions == 4
    assert sim.running_executions == 0
    assert not [
        t
        for t in asyncio.all_tasks()
        if t.get_name().startswith("simulator") and not t.done()
    ]


async def test_a_motor_already_there_reports_at_once(
    core_sim: GatewaySimulator,
) -> None:
    """Told to go where it is, a motor reports its position and that it is still."""
    listener = core_sim.core.register_listener("test")
    await run(core_sim, CLOSED_SHUTTER, ("close",))
    events = core_sim.core.fetch(listener)
    changed = [e for e in events if e["name"] == "DeviceStateChangedEvent"]
    assert len(changed) == 1
    states = {s["name"]: s["value"] for s in changed[0]["deviceStates"]}
    assert states["core:ClosureState"] == 100
    assert states["core:MovingState"] is False
    assert states["core:OpenClosedState"] == "closed"
