"""The simulator's API as pyoverkiz's real client sees it: executions."""

from __future__ import annotations

import asyncio

from pyoverkiz.enums import ExecutionState
from pyoverkiz.exceptions import (
    DuplicateActionOnDeviceError,
    ExecutionQueueFullError,
    InvalidCommandError,
    NoSuchDeviceError,
    OverkizError,
)
from pyoverkiz.models import Action, Command
import pytest

from simulator import GatewaySimulator

from .api_events import events_until_done, final_state, states_of
from .conftest import (
    CLOSED_SHUTTER,
    RTS_SHUTTER,
    SHUTTER,
    SWITCH,
    action,
    connect,
    execute,
)


async def test_stop_halts_a_moving_shutter(sim: GatewaySimulator) -> None:
    sim.speed = 20  # 1 s of loop time for a full travel
    async with connect(sim) as client:
        first = await execute(client, action(SHUTTER, "close"))
        for _ in range(200):
            if sim.state(SHUTTER, "core:ClosureState") > 0:
                break
            await asyncio.sleep(0.01)
        second = await execute(client, action(SHUTTER, "stop"))
        events = await events_until_done(client, {first, second}, sim)

    closure = sim.state(SHUTTER, "core:ClosureState")
    assert 0 < closure < 100
    assert sim.state(SHUTTER, "core:MovingState") is False
    assert sim.state(SHUTTER, "core:OpenClosedState") == "open"
    interrupted = final_state(events, first)
    assert interrupted.new_state == ExecutionState.FAILED
    assert interrupted.failure_type == "CMDCANCELLED"
    assert interrupted.failed_commands == [
        {
            "deviceURL": SHUTTER,
            "command": "close",
            "rank": 0,
            "failureType": "CMDCANCELLED",
        }
    ]
    assert final_state(events, second).new_state == ExecutionState.COMPLETED
    assert sim.stats.device_commands[SHUTTER] == [("close", []), ("stop", [])]


async def test_new_execution_on_a_moving_device_cancels_the_old(
    local_sim: GatewaySimulator,
) -> None:
    local_sim.speed = 1  # the first move would take 20 s
    async with connect(local_sim) as client:
        first = await execute(client, action(SHUTTER, "close"), action(SWITCH, "on"))
        second = await execute(client, action(SHUTTER, "setClosure", 30))
        events = await events_until_done(client, {first, second}, local_sim)

    assert final_state(events, first).new_state == ExecutionState.FAILED
    assert final_state(events, second).new_state == ExecutionState.COMPLETED
    assert local_sim.state(SHUTTER, "core:ClosureState") == 30
    # The other device of the interrupted execution still ran its command.
    assert local_sim.state(SWITCH, "core:OnOffState") == "on"


async def test_commands_of_one_action_run_in_order(sim: GatewaySimulator) -> None:
    async with connect(sim) as client:
        exec_id = await client.execute_action_group(
            actions=[
                Action(
                    device_url=SWITCH,
                    commands=[
                        Command(name="on"),
                        Command(name="off"),
                        Command(name="on"),
                    ],
                ),
                action(CLOSED_SHUTTER, "open"),
            ]
        )
        events = await events_until_done(client, {exec_id}, sim)

    assert sim.stats.device_commands == {
        SWITCH: [("on", []), ("off", []), ("on", [])],
        CLOSED_SHUTTER: [("open", [])],
    }
    assert [v for _, v in states_of(events, SWITCH)] == ["on", "off", "on"]
    assert sim.state(CLOSED_SHUTTER, "core:OpenClosedState") == "open"
    assert sim.stats.executions_accepted == 1


async def test_current_executions_and_cancel(sim: GatewaySimulator) -> None:
    sim.speed = 1
    sim.local_history = True  # the local mode answers history too, for this test
    async with connect(sim) as client:
        exec_id = await execute(client, action(SHUTTER, "close"))
        current = await client.get_current_executions()
        one = await client.get_current_execution(exec_id)
        await client.cancel_execution(exec_id)
        events = await events_until_done(client, {exec_id}, sim)
        after = await client.get_current_executions()
        gone = await client.get_current_execution(exec_id)
        history = await client.get_execution_history()
        await client.cancel_execution("00000000-0000-4000-8000-000000000000")

    assert [e.id for e in current] == [exec_id]
    assert one is not None
    assert one.state == ExecutionState.IN_PROGRESS
    assert one.action_group is not None
    assert one.action_group.actions[0].device_url == SHUTTER
    ended = final_state(events, exec_id)
    assert ended.new_state == ExecutionState.FAILED
    assert ended.failure_type == "CMDCANCELLED"
    assert after == []
    assert gone is None
    assert history[0].id == exec_id
    assert history[0].state == ExecutionState.FAILED
    assert sim.state(SHUTTER, "core:ClosureState") < 100


async def test_settle_finishes_every_execution(local_sim: GatewaySimulator) -> None:
    local_sim.speed = 1
    shutters = local_sim.device_urls[:5]
    async with connect(local_sim) as client:
        for url in shutters:
            await execute(client, action(url, "setClosure", 70))
        assert local_sim.running_executions == 5
        await local_sim.settle()

    assert local_sim.running_executions == 0
    assert [local_sim.state(url, "core:ClosureState") for url in shutters] == [70] * 5


async def test_rejected_action_groups(sim: GatewaySimulator) -> None:
    async with connect(sim) as client:
        with pytest.raises(NoSuchDeviceError):
            await execute(client, action(f"io://{sim.gateway_id}/404", "open"))
        with pytest.raises(InvalidCommandError):
            await execute(client, action(SHUTTER, "fly"))
        with pytest.raises(DuplicateActionOnDeviceError):
            await execute(client, action(SHUTTER, "open"), action(SHUTTER, "close"))
        with pytest.raises(OverkizError, match="Bad parameters"):
            await execute(client, action(SHUTTER, "setClosure", 140))
        with pytest.raises(OverkizError, match="Bad parameters"):
            await execute(client, action(RTS_SHUTTER, "close"))
        accepted = await execute(client, action(RTS_SHUTTER, "close", 0))

    assert accepted
    assert sim.stats.executions_rejected == 5
    assert sim.stats.executions_accepted == 1
    await sim.settle()
    assert sim.stats.device_commands == {RTS_SHUTTER: [("close", [0])]}


async def test_eleventh_execution_is_refused(sim: GatewaySimulator) -> None:
    sim.speed = 1
    shutters = sim.device_urls[:11]
    async with connect(sim) as client:
        for url in shutters[:10]:
            await execute(client, action(url, "close"))
        with pytest.raises(ExecutionQueueFullError, match=sim.gateway_id):
            await execute(client, action(shutters[10], "close"))
        await sim.settle()
        assert await execute(client, action(shutters[10], "close"))

    assert sim.stats.executions_accepted == 11
    assert sim.stats.executions_rejected == 1


async def test_exec_limit_is_configurable() -> None:
    async with GatewaySimulator(speed=1, exec_limit=2) as sim, connect(sim) as client:
        await execute(client, action(SHUTTER, "close"))
        await execute(client, action(CLOSED_SHUTTER, "open"))
        with pytest.raises(ExecutionQueueFullError):
            await execute(client, action(SWITCH, "on"))
