"""Injected faults surface in pyoverkiz as the exceptions a real gateway causes."""

from __future__ import annotations

import asyncio
from importlib.metadata import version
import json
from typing import Any

import aiohttp
from pyoverkiz import exceptions as ex
from pyoverkiz.enums import ExecutionState
from pyoverkiz.models import (
    ExecutionStateChangedEvent,
    GatewayAliveEvent,
    GatewayDownEvent,
)
import pytest

from simulator import ENDPOINTS, ERRORS, GatewaySimulator

from .conftest import SHUTTER, SWITCH, action, connect, execute

PYOVERKIZ = tuple(int(part) for part in version("pyoverkiz").split(".")[:2])

# The pyoverkiz exception each injectable error must raise.
EXPECTED: dict[str, type[Exception]] = {
    "EXEC_QUEUE_FULL": ex.ExecutionQueueFullError,
    "TOO_MANY_EXECUTIONS": ex.TooManyExecutionsError,
    "TOO_MANY_CONCURRENT_REQUESTS": ex.TooManyConcurrentRequestsError,
    "TOO_MANY_REQUESTS": ex.TooManyRequestsError,
    "NOT_AUTHENTICATED": ex.NotAuthenticatedError,
    "MISSING_AUTHORIZATION_TOKEN": ex.MissingAuthorizationTokenError,
    "BAD_CREDENTIALS": ex.BadCredentialsError,
    "INVALID_EVENT_LISTENER_ID": ex.InvalidEventListenerIdError,
    "NO_REGISTERED_EVENT_LISTENER": ex.NoRegisteredEventListenerError,
    "DUPLICATE_ACTION_ON_DEVICE": ex.DuplicateActionOnDeviceError,
    "NO_SUCH_DEVICE": ex.NoSuchDeviceError,
    "NO_SUCH_COMMAND": ex.InvalidCommandError,
    "BAD_PARAMETERS": ex.OverkizError,
    "MALFORMED_ACTION_GROUP": ex.OverkizError,
    "NO_SUCH_ACTION_GROUP": ex.NoSuchActionGroupError,
    "UNKNOWN_OBJECT": ex.UnknownObjectError,
    "NO_SUCH_RESOURCE": ex.NoSuchResourceError,
    "ACCESS_DENIED_TO_GATEWAY": ex.AccessDeniedToGatewayError,
    "MAINTENANCE": ex.MaintenanceError,
    "SERVER_ERROR_500": ex.ServiceUnavailableError,
    "BAD_GATEWAY_502": ex.ServiceUnavailableError,
    "SERVICE_UNAVAILABLE_503": ex.ServiceUnavailableError,
    "MALFORMED_JSON": json.JSONDecodeError,
}


def test_every_error_has_an_expectation() -> None:
    assert set(EXPECTED) == set(ERRORS)


@pytest.mark.parametrize("error", sorted(EXPECTED))
async def test_injected_error_raises_its_pyoverkiz_exception(
    sim: GatewaySimulator, error: str
) -> None:
    if error == "SERVICE_UNAVAILABLE_503" and PYOVERKIZ < (2, 3):
        pytest.skip("pyoverkiz < 2.3 fails on an empty 503 body (AttributeError)")
    # Twice for Not authenticated: pyoverkiz logs in again once and retries.
    sim.fail("setup", error, count=2 if error == "NOT_AUTHENTICATED" else 1)
    async with connect(sim) as client:
        with pytest.raises(EXPECTED[error]) as raised:
            await client.get_setup()
        assert type(raised.value) is EXPECTED[error] or error == "MALFORMED_JSON"
        # Faults are used up: the next call works.
        assert (await client.get_setup(refresh=True)).devices


async def test_exec_apply_faults_count_as_rejected(sim: GatewaySimulator) -> None:
    sim.fail("exec/apply", "EXEC_QUEUE_FULL")
    async with connect(sim) as client:
        with pytest.raises(ex.ExecutionQueueFullError):
            await execute(client, action(SWITCH, "on"))
        assert await execute(client, action(SWITCH, "on"))
    assert sim.stats.executions_rejected == 1
    assert sim.stats.executions_accepted == 1
    assert sim.stats.calls["exec/apply"] == 2


async def test_pyoverkiz_retries_too_many_executions(sim: GatewaySimulator) -> None:
    sim.fail("exec/apply", "TOO_MANY_EXECUTIONS", count=2)
    async with connect(sim) as client:
        assert await execute(client, action(SWITCH, "on"))
    assert sim.stats.calls["exec/apply"] == 3
    await sim.settle()
    assert sim.stats.device_commands[SWITCH] == [("on", [])]


async def test_any_endpoint_fault(local_sim: GatewaySimulator) -> None:
    local_sim.fail("*", "MAINTENANCE")
    async with connect(local_sim, login=False) as client:
        with pytest.raises(ex.MaintenanceError):
            await client.get_gateways()


def test_fault_arguments_are_checked() -> None:
    sim = GatewaySimulator()
    with pytest.raises(ValueError, match="Unknown endpoint"):
        sim.fail("nowhere", "MAINTENANCE")
    with pytest.raises(ValueError, match="Unknown error"):
        sim.fail("setup", "OOPS")
    with pytest.raises(ValueError, match="count"):
        sim.drop("setup", 0)
    with pytest.raises(ValueError, match="latency"):
        sim.set_latency(-1)
    with pytest.raises(ValueError, match="speed"):
        sim.speed = 0
    assert "events/fetch" in ENDPOINTS


async def test_dropped_connections(local_sim: GatewaySimulator) -> None:
    local_sim.drop("setup/gateways")
    async with connect(local_sim, login=False) as client:
        # pyoverkiz retries a lost connection: one drop goes unnoticed...
        assert await client.get_gateways()
        assert local_sim.stats.calls["setup/gateways"] == 2
        # ...a lasting one does not (aiohttp and pyoverkiz both retry).
        local_sim.drop("setup/gateways", 10)
        with pytest.raises(aiohttp.ServerDisconnectedError):
            await client.get_gateways(refresh=True)
        local_sim.clear_faults()
        assert await client.get_gateways(refresh=True)


async def test_answer_lost_after_the_execution_was_accepted(
    sim: GatewaySimulator,
) -> None:
    """The hazard of a lost answer: pyoverkiz sends the action group again."""
    sim.drop("exec/apply", after=True)
    async with connect(sim) as client:
        assert await execute(client, action(SWITCH, "on"))
    await sim.settle()
    assert sim.stats.executions_accepted == 2
    assert sim.stats.device_commands[SWITCH] == [("on", []), ("on", [])]


async def test_latency_delays_answers(local_sim: GatewaySimulator) -> None:
    local_sim.set_latency(0.1)
    loop = asyncio.get_running_loop()
    async with connect(local_sim, login=False) as client:
        started = loop.time()
        await client.get_gateways()
        assert loop.time() - started >= 0.1
        local_sim.clear_faults()
        assert local_sim.faults.latency == 0


async def test_stop_ends_answers_whose_client_left() -> None:
    """A request abandoned mid-answer is not left running after the simulator stops."""
    sim = GatewaySimulator()
    await sim.start()
    sim.set_latency(30)
    headers = {"Authorization": f"Bearer {sim.token}"}
    async with aiohttp.ClientSession() as session:
        request = asyncio.create_task(
            session.get(f"{sim.base_url}setup/gateways", headers=headers, ssl=False)
        )
        done, _ = await asyncio.wait({request}, timeout=0.5)
        assert not done
        assert sim.stats.calls["setup/gateways"] == 1  # being answered
        request.cancel()
        await asyncio.gather(request, return_exceptions=True)
    await sim.stop()

    answering = [
        task
        for task in asyncio.all_tasks()
        if "_handle_request" in repr(task.get_coro()) and not task.done()
    ]
    assert answering == []


async def test_concurrent_request_limit() -> None:
    async with GatewaySimulator(max_concurrent_requests=1) as sim:
        sim.set_latency(0.05)
        headers = {"Authorization": f"Bearer {sim.token}"}
        async with aiohttp.ClientSession() as session:

            async def get() -> int:
                async with session.get(
                    f"{sim.base_url}setup/gateways", headers=headers, ssl=False
                ) as response:
                    await response.read()
                    return response.status

            statuses = await asyncio.gather(get(), get())
    assert sorted(statuses) == [200, 400]


async def test_events_fetch_rate_limit() -> None:
    async with (
        GatewaySimulator(min_fetch_interval=60) as sim,
        connect(sim) as client,
    ):
        assert await client.fetch_events() == []
        with pytest.raises(ex.TooManyRequestsError):
            await client.fetch_events()


async def test_expired_listener_is_registered_again(sim: GatewaySimulator) -> None:
    async with connect(sim) as client:
        first = client.event_listener_id
        sim.expire_listener()
        assert await client.fetch_events() == []
        assert client.event_listener_id != first
    assert sim.stats.calls["events/register"] == 2


async def test_listener_expires_without_fetch(local_sim: GatewaySimulator) -> None:
    core = local_sim.core
    listener_id = core.register_listener("token")
    core.listeners[listener_id].last_fetch -= 599
    assert core.fetch(listener_id) == []  # still alive: fetched within 10 minutes
    core.listeners[listener_id].last_fetch -= 601
    with pytest.raises(Exception, match="No registered event listener"):
        core.fetch(listener_id)
    assert listener_id not in core.listeners


async def test_session_expiry_logs_in_again(cloud_sim: GatewaySimulator) -> None:
    async with connect(cloud_sim) as client:
        cloud_sim.expire_session()
        assert await client.get_devices(refresh=True)
        assert await client.fetch_events() == []
    assert cloud_sim.stats.calls["login"] == 2


async def test_revoked_token(local_sim: GatewaySimulator) -> None:
    old = local_sim.token
    async with connect(local_sim, login=False) as client:
        assert await client.get_gateways()
        local_sim.revoke_token()
        with pytest.raises(ex.NotAuthenticatedError):
            await client.get_gateways(refresh=True)
    assert local_sim.token != old
    async with connect(local_sim) as client:
        assert await client.get_gateways()


async def test_local_gateway_down_and_up(local_sim: GatewaySimulator) -> None:
    async with connect(local_sim) as client:
        local_sim.go_down()
        with pytest.raises(aiohttp.ServerDisconnectedError):
            await client.get_gateways(refresh=True)
        local_sim.go_up()
        assert (await client.get_gateways(refresh=True))[0].connectivity.status == "OK"
        events = await client.fetch_events()
    assert [type(e) for e in events] == [GatewayDownEvent, GatewayAliveEvent]


async def test_cloud_gateway_down_fails_executions(cloud_sim: GatewaySimulator) -> None:
    async with connect(cloud_sim) as client:
        cloud_sim.go_down()
        assert (await client.get_gateways(refresh=True))[0].alive is False
        exec_id = await execute(client, action(SHUTTER, "close"))
        await cloud_sim.settle()
        events = await client.fetch_events()
        cloud_sim.go_up()
        assert (await client.get_gateways(refresh=True))[0].alive is True
        events += await client.fetch_events()

    assert isinstance(events[0], GatewayDownEvent)
    ended = [
        e
        for e in events
        if isinstance(e, ExecutionStateChangedEvent) and e.exec_id == exec_id
    ][-1]
    assert ended.new_state == ExecutionState.FAILED
    assert ended.failure_type == "NON_EXECUTING"
    assert isinstance(events[-1], GatewayAliveEvent)
    assert cloud_sim.state(SHUTTER, "core:ClosureState") == 0
    assert SHUTTER not in cloud_sim.stats.device_commands


async def control(
    session: aiohttp.ClientSession,
    sim: GatewaySimulator,
    method: str,
    path: str,
    body: dict[str, Any] | None = None,
) -> tuple[int, Any]:
    async with session.request(
        method, f"{sim.control_url}{path}", json=body, ssl=False
    ) as response:
        return response.status, await response.json()


async def test_control_path(sim: GatewaySimulator) -> None:
    async with aiohttp.ClientSession() as session, connect(sim) as client:
        assert await control(
            session, sim, "POST", "fail", {"endpoint": "setup", "error": "MAINTENANCE"}
        ) == (200, {"ok": True})
        status, faults = await control(session, sim, "GET", "faults")
        assert faults["fail"] == {"setup": ["MAINTENANCE"]}
        with pytest.raises(ex.MaintenanceError):
            await client.get_setup()

        await control(session, sim, "POST", "latency", {"seconds": 0.01})
        await control(session, sim, "POST", "drop", {"endpoint": "setup", "count": 2})
        assert sim.faults.pending()["drop"] == {"setup": 2}
        await control(session, sim, "POST", "clear_faults")
        assert sim.faults.pending() == {"fail": {}, "drop": {}, "latency": 0.0}

        sim.speed = 1
        await execute(client, action(SHUTTER, "close"))
        await control(session, sim, "POST", "settle")
        assert sim.state(SHUTTER, "core:ClosureState") == 100
        status, stats = await control(session, sim, "GET", "stats")
        assert status == 200
        assert stats["executions_accepted"] == 1
        assert stats["device_commands"] == {SHUTTER: [["close", []]]}
        assert stats["running_executions"] == 0

        await control(session, sim, "POST", "down")
        assert [g["alive"] for g in sim.core.gateways.values()] == [False]
        await control(session, sim, "POST", "up")
        assert [g["alive"] for g in sim.core.gateways.values()] == [True]
        await control(session, sim, "POST", "expire_listener")
        assert sim.core.listeners == {}
        await control(session, sim, "POST", "reset_stats")
        assert sim.stats.executions_accepted == 0

        assert (await control(session, sim, "POST", "fail", {"endpoint": "x"}))[
            0
        ] == 400
        assert (await control(session, sim, "POST", "nothing"))[0] == 404
        status, errors = await control(session, sim, "GET", "errors")
        assert errors == sorted(ERRORS)
