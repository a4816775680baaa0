"""The simulator's API as pyoverkiz's real client sees it: setup, states, login."""

from __future__ import annotations

import asyncio
from typing import Literal

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
    NoSuchDeviceError,
    NotAuthenticatedError,
)
from pyoverkiz.models import (
    DeviceStateChangedEvent,
    Event,
    ExecutionRegisteredEvent,
    ExecutionStateChangedEvent,
    Place,
)
import pytest

from simulator import GatewaySimulator

from .api_events import events_until_done, states_of
from .conftest import (
    SETPOINT_HEATER,
    SHUTTER,
    SWITCH,
    VALVE,
    action,
    connect,
    execute,
)


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
    # A local gateway lists only its id and connectivity.
    assert gateways[0].alive is (True if sim.mode == "cloud" else None)
    assert {s.name: s.value for s in states}["core:ClosureState"] == 0
    assert definition is not None
    assert definition.widget_name == "PositionableRollerShutter"
    assert version
    # The cloud adds the setup's place and location, the local API sends no more.
    assert (setup.root_place is not None) is (sim.mode == "cloud")


async def test_places_only_on_the_cloud(sim: GatewaySimulator) -> None:
    """The cloud tells the home's places and each device's; a local gateway none."""
    async with connect(sim) as client:
        setup = await client.get_setup()
        devices = await client.get_devices(refresh=True)
        if sim.mode == "local":
            with pytest.raises(BaseOverkizError):
                await client.get_places()
        else:
            places = await client.get_places()
    oids = {d.device_url: d.place_oid for d in [*setup.devices, *devices]}
    if sim.mode == "local":
        assert setup.root_place is None
        assert set(oids.values()) == {None}
        return
    assert setup.root_place == places
    assert (places.label, places.type) == ("House", 200)

    def labels(place: Place) -> dict[str | None, str]:
        found: dict[str | None, str] = {place.oid: place.label}
        for sub in place.sub_places:
            found |= labels(sub)
        return found

    rooms = labels(places)
    assert rooms[oids[SHUTTER]] == "Living room"
    assert rooms[oids[SETPOINT_HEATER]] == "Living room"
    assert oids[SETPOINT_HEATER.replace("#1", "#2")] == oids[SETPOINT_HEATER]
    assert oids[VALVE.replace("#1", "#2")] == places.oid  # left in the house itself
    ground_floor = next(p for p in places.sub_places if p.label == "Ground floor")
    assert "Living room" in {room.label for room in ground_floor.sub_places}


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
