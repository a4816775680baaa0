"""Fixtures: simulators in both modes and pyoverkiz clients logged in to them."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import backoff._async
from pyoverkiz.auth.credentials import (
    LocalTokenCredentials,
    UsernamePasswordCredentials,
)
from pyoverkiz.client import OverkizClient
from pyoverkiz.models import Action, Command
import pytest

from simulator import GatewaySimulator

GW = "0811-2300-4455"
SHUTTER = f"io://{GW}/1001"  # open (closure 0) in the default house
CLOSED_SHUTTER = f"io://{GW}/1002"  # closure 100
RTS_SHUTTER = f"rts://{GW}/16000001"
SWITCH = f"io://{GW}/3001"
LEVEL_HEATER = f"io://{GW}/4001"
SETPOINT_HEATER = f"io://{GW}/4002#1"
VALVE = f"io://{GW}/5001#1"
AWNING = f"io://{GW}/2001"


@pytest.fixture(autouse=True)
def sockets(socket_enabled: None) -> None:
    """The simulator listens on 127.0.0.1; pytest-socket still allows nothing else."""


@pytest.fixture(autouse=True)
def no_backoff(monkeypatch: pytest.MonkeyPatch) -> None:
    """pyoverkiz's retries wait up to seconds with jitter: tests retry at once."""
    monkeypatch.setattr(backoff._async, "_next_wait", lambda *args, **kwargs: 0)


def credentials(sim: GatewaySimulator) -> Any:
    if sim.mode == "local":
        return LocalTokenCredentials(sim.token)
    return UsernamePasswordCredentials(sim.username, sim.password)


@asynccontextmanager
async def connect(
    sim: GatewaySimulator, *, login: bool = True
) -> AsyncIterator[OverkizClient]:
    """A real pyoverkiz client on the simulator (logged in, listener registered)."""
    client = OverkizClient(
        server=sim.server_config, credentials=credentials(sim), verify_ssl=False
    )
    try:
        if login:
            await client.login()
        yield client
    finally:
        await client.close()


def action(url: str, name: str, *params: Any) -> Action:
    return Action(
        device_url=url,
        commands=[Command(name=name, parameters=list(params) if params else None)],
    )


async def execute(client: OverkizClient, *actions: Action) -> str:
    return await client.execute_action_group(actions=list(actions), label="test")


@pytest.fixture(params=["local", "cloud"])
async def sim(request: pytest.FixtureRequest) -> AsyncIterator[GatewaySimulator]:
    """The default house, in each mode, moving 1000 times faster than life."""
    async with GatewaySimulator(mode=request.param, speed=1000) as simulator:
        yield simulator


@pytest.fixture
async def local_sim() -> AsyncIterator[GatewaySimulator]:
    async with GatewaySimulator(mode="local", speed=1000) as simulator:
        yield simulator


@pytest.fixture
async def cloud_sim() -> AsyncIterator[GatewaySimulator]:
    async with GatewaySimulator(mode="cloud", speed=1000) as simulator:
        yield simulator
