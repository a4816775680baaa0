"""The simulator's API as pyoverkiz's real client sees it, in local and cloud mode."""

from __future__ import annotations

import asyncio
from typing import Any, Literal

import aiohttp
from pyoverkiz.auth.credentials import (
    LocalTokenCredentials,
    UsernamePasswordCredentials,
)
from pyoverkiz.client import OverkizClient
from pyoverkiz.enums import ExecutionState
from pyoverkiz.exceptions import (
    BadCredentialsError,
    BaseOverkizError,
    DuplicateActionOnDeviceError,
    ExecutionQueueFullError,
    InvalidCommandError,
    NoSuchDeviceError,
    NotAuthenticatedError,
    OverkizError,
)
from pyoverkiz.models import (
    Action,
    Command,
    DeviceStateChangedEvent,
    Event,
    ExecutionRegisteredEvent,
    ExecutionStateChangedEvent,
)
import pytest

from simulator import GatewaySimulator

from .conftest import (
    CLOSED_SHUTTER,
    RTS_SHUTTER,
    SETPOINT_HEATER,
    SHUTTER,
    SWITCH,
    action,
    connect,
    execute,
)


async def events_until_done(
    client: OverkizClient, exec_ids: set[str], sim: GatewaySimulator
) -> list[Event]:
    """Fetch events until every execution in ``exec_ids`` ended (settling first)."""
    await sim.settle()
    events: list[Event] = []
    pending = set(exec_ids)
    for _ in range(50):
        batch = await client.fetch_events()
        events += batch
        for event in batch:
            if isinstance(event, ExecutionStateChangedEvent) and event.new_state in (
                ExecutionState.COMPLETED,
                ExecutionState.FAILED,
            ):
                pending.discard(event.exec_id)
        if not pending:
            return events
    raise AssertionError(f"executions never ended: {pending}")


def states_of(events: list[Event], url: str) -> list[tuple[str, Any]]:
    return [
        (state.name, state.value)
        for event in events
        if isinstance(event, DeviceStateChangedEvent) and event.device_url == url
        for state in event.device_states
    ]


def final_state(events: list[Event], exec_id: str) -> ExecutionStateChangedEvent:
    changes = [
        e
        for e in events
        if isinstance(e, ExecutionStateChangedEvent) and e.exec_id == exec_id
    ]
    return changes[-1]


async def test_setup_devices_and_gateways(sim: GatewaySimulator) -> None:
    async with connect(sim) as client:
        setup = await client.get_setup()
        devices = await client.get_devices(refresh=True)
        gateways = await client.get_gateways(refresh=True)
        states = await client.get_state(SHUTTER)
        definition = await client.get_device_definition(SHUTTER)
        version = await client.get_api_version()

    assert len(setup.devices) == len(sim.device_urls) == 25
    assert [d.device_url for d in devices] == sim.device_urls
    assert [g.id for g in gateways] == [sim.gateway_id]
    assert gateways[0].alive is True
    assert {s.name: s.value for s in states}["core:ClosureState"] == 0
    assert definition is not None
    assert definition.widget_name == "PositionableRollerShutter"
    assert version
    # The cloud adds the setup's place and location, the local API sends no more.
    assert (setup.root_place is not None) is (sim.mode == "cloud")


async def test_refresh_endpoints(sim: GatewaySimulator) -> None:
    sensor = SETPOINT_HEATER.replace("#1", "#2")
    async with connect(sim) as client:
        await client.refresh_states()
        await client.refresh_device_states(sensor)
        sensor_states = await client.get_state(sensor)
        events = await client.fetch_events()
        with pytest.raises(NoSuchDeviceError):
            await client.refresh_device_states(f"io://{sim.gateway_id}/404")

    assert events[0].name == "RefreshAllDevicesStatesCompletedEvent"
    assert isinstance(events[1], DeviceStateChangedEvent)
    assert events[1].device_url == sensor
    assert {s.name: s.value for s in sensor_states}["core:TemperatureState"] == 18.5
    assert ("core:TemperatureState", 18.5) in states_of(events, sensor)
    assert sim.stats.calls["setup/devices/states/refresh"] == 1
    assert sim.stats.calls["setup/devices/{url}/states/refresh"] == 2
    assert sim.stats.calls["setup/devices/{url}/states"] == 1


async def test_local_setup_has_only_gateways_and_devices(
    local_sim: GatewaySimulator,
) -> None:
    headers = {"Authorization": f"Bearer {local_sim.token}"}
    async with (
        aiohttp.ClientSession() as session,
        session.get(
            f"{local_sim.base_url}setup", headers=headers, ssl=False
        ) as response,
    ):
        assert response.status == 200
        assert response.content_type == "application/json"
        assert set(await response.json()) == {"gateways", "devices"}


async def test_closing_a_shutter_reports_moving_then_closed(
    sim: GatewaySimulator,
) -> None:
    async with connect(sim) as client:
        exec_id = await execute(client, action(SHUTTER, "close"))
        events = await events_until_done(client, {exec_id}, sim)

    names = [type(e).__name__ for e in events]
    assert names[0] == "ExecutionRegisteredEvent"
    registered = events[0]
    assert isinstance(registered, ExecutionRegisteredEvent)
    assert registered.exec_id == exec_id
    assert [a.device_url for a in registered.actions] == [SHUTTER]

    states = states_of(events, SHUTTER)
    assert states[0] == ("core:MovingState", True)
    assert ("core:TargetClosureState", 100) in states
    assert states[-3:] == [
        ("core:ClosureState", 100),
        ("core:OpenClosedState", "closed"),
        ("core:MovingState", False),
    ]
    transitions = [
        (e.old_state, e.new_state)
        for e in events
        if isinstance(e, ExecutionStateChangedEvent)
    ]
    assert transitions[-1] == (ExecutionState.IN_PROGRESS, ExecutionState.COMPLETED)
    if sim.mode == "local":
        assert transitions[0] == (
            ExecutionState.INITIALIZED,
            ExecutionState.IN_PROGRESS,
        )
    assert sim.state(SHUTTER, "core:ClosureState") == 100
    assert sim.stats.device_commands[SHUTTER] == [("close", [])]


async def test_shutter_moves_at_the_configured_speed() -> None:
    # 20 s of travel at speed 50: 0.4 s of loop time, reported step by step.
    async with (
        GatewaySimulator(speed=50, command_delay=0.0) as sim,
        connect(sim) as client,
    ):
        loop = asyncio.get_running_loop()
        started = loop.time()
        exec_id = await execute(client, action(SHUTTER, "close"))
        assert sim.state(SHUTTER, "core:ClosureState") < 50
        events: list[Event] = []
        while not any(
            isinstance(e, ExecutionStateChangedEvent)
            and e.exec_id == exec_id
            and e.new_state == ExecutionState.COMPLETED
            for e in events
        ):
            await asyncio.sleep(0.05)
            events += await client.fetch_events()
            assert loop.time() - started < 10
        elapsed = loop.time() - started

    closures = [v for n, v in states_of(events, SHUTTER) if n == "core:ClosureState"]
    assert closures == sorted(closures)
    assert len(closures) >= 10  # intermediate positions, not a jump
    assert closures[-1] == 100
    assert elapsed >= 20 / 50


async def test_cloud_events_carry_string_values(cloud_sim: GatewaySimulator) -> None:
    async with aiohttp.ClientSession() as session:
        login = await session.post(
            f"{cloud_sim.base_url}login",
            data={"userId": cloud_sim.username, "userPassword": cloud_sim.password},
        )
        assert login.status == 200
        listener = await (
            await session.post(f"{cloud_sim.base_url}events/register")
        ).json()
        response = await session.post(
            f"{cloud_sim.base_url}exec/apply",
            json={
                "label": "raw",
                "actions": [{"deviceURL": SWITCH, "commands": [{"name": "on"}]}],
            },
        )
        assert response.status == 200
        await cloud_sim.settle()
        events = await (
            await session.post(f"{cloud_sim.base_url}events/{listener['id']}/fetch")
        ).json()

    changed = [e for e in events if e["name"] == "DeviceStateChangedEvent"]
    assert changed[0]["deviceStates"] == [
        {"name": "core:OnOffState", "type": 3, "value": "on"}
    ]
    assert all("timestamp" in e for e in events)


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


async def test_local_auth_errors(local_sim: GatewaySimulator) -> None:
    async with aiohttp.ClientSession() as session:
        missing = await session.get(f"{local_sim.base_url}setup", ssl=False)
        assert missing.status == 401
        assert await missing.json() == {
            "errorCode": "RESOURCE_ACCESS_DENIED",
            "error": "Missing authorization token.",
        }
        version = await session.get(f"{local_sim.base_url}apiVersion", ssl=False)
        assert version.status == 200

    client = OverkizClient(
        server=local_sim.server_config,
        credentials=LocalTokenCredentials("not-the-token"),
        verify_ssl=False,
    )
    async with client:
        with pytest.raises(NotAuthenticatedError):
            await client.get_gateways()


async def test_cloud_login(cloud_sim: GatewaySimulator) -> None:
    client = OverkizClient(
        server=cloud_sim.server_config,
        credentials=UsernamePasswordCredentials(cloud_sim.username, "wrong"),
    )
    async with client:
        with pytest.raises(BadCredentialsError):
            await client.login()
    async with aiohttp.ClientSession() as session:
        response = await session.get(f"{cloud_sim.base_url}setup")
        assert response.status == 401
        assert (await response.json())["error"] == "Not authenticated."
    async with connect(cloud_sim) as client:
        assert await client.get_devices()
    assert cloud_sim.stats.calls["login"] == 2


@pytest.mark.parametrize("mode", ["local", "cloud"])
async def test_history_can_be_refused_in_local_mode_as_real_gateways_do(
    mode: Literal["local", "cloud"],
) -> None:
    async with (
        GatewaySimulator(mode=mode, speed=1000, local_history=False) as sim,
        connect(sim) as client,
    ):
        if mode == "local":
            with pytest.raises(BaseOverkizError, match="No such resource"):
                await client.get_execution_history()
        else:  # the cloud keeps it
            assert await client.get_execution_history() == []
