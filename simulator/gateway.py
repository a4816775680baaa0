"""``GatewaySimulator``: a fake Overkiz gateway on a real socket (tests, demo)."""

from __future__ import annotations

import asyncio
from dataclasses import asdict
from typing import TYPE_CHECKING, Any, Literal, Self

from aiohttp import web

from . import sensing
from .auth import Auth
from .certs import server_ssl_context
from .core import GatewayCore, Stats
from .faults import Faults
from .houses import load_house
from .models import make_device
from .scenarios import HOUSE_KEY, Scenarios
from .server import CLOUD_PREFIX, LOCAL_PREFIX, ApiServer

if TYPE_CHECKING:
    from collections.abc import Mapping
    from pathlib import Path
    from types import TracebackType

    from pyoverkiz.models import ServerConfig

type Mode = Literal["local", "cloud"]


class GatewaySimulator:
    """A simulated gateway speaking the Overkiz API (local https or cloud http).

    ``speed`` scales simulated time: 1.0 is real time, 100 runs movements 100 times
    faster. ``await settle()`` finishes everything at once. In local mode
    ``history/executions`` is refused, as real gateways do (``local_history=True``
    answers it, for tests that need a local gateway with history).
    """

    def __init__(
        self,
        house: str | Path | Mapping[str, Any] = "default",
        mode: Mode = "local",
        speed: float = 1.0,
        token: str | None = None,
        exec_limit: int = 10,
        seed: int = 0,
        *,
        port: int = 0,
        username: str = "user@example.com",
        password: str = "simulator-password",
        listener_timeout: float = 600.0,
        max_concurrent_requests: int | None = None,
        min_fetch_interval: float | None = None,
        travel_time: float = 20.0,
        command_delay: float = 0.5,
        local_history: bool = False,
        sensor_period: float | None = None,
    ) -> None:
        if mode not in ("local", "cloud"):
            raise ValueError("mode must be 'local' or 'cloud'")
        if exec_limit < 1:
            raise ValueError("exec_limit must be >= 1")
        self.mode: Mode = mode
        setup = load_house(house)
        # The account's scenarios are not part of GET setup.
        self.scenarios = Scenarios(setup.pop(HOUSE_KEY, None))
        self.core = GatewayCore(
            setup,
            cloud=mode == "cloud",
            speed=speed,
            exec_limit=exec_limit,
            seed=seed,
            listener_timeout=listener_timeout,
            travel_time=travel_time,
            command_delay=command_delay,
            min_fetch_interval=min_fetch_interval,
        )
        self.auth = Auth(
            cloud=mode == "cloud",
            token=token or self.core.new_id(),
            username=username,
            password=password,
            new_id=self.core.new_id,
        )
        self.faults = Faults()
        self.max_concurrent_requests = max_concurrent_requests
        # Real local gateways have no history/executions: refused unless asked for.
        self.local_history = local_history
        self.is_down = False
        # Counters (energy, water...) grow every sensor_period simulated seconds.
        self.sensor_period = sensor_period
        self._sensor_task: asyncio.Task[None] | None = None
        self._requested_port = port
        self._port: int | None = None
        self._runner: web.AppRunner | None = None
        self._server: ApiServer | None = None

    # -- lifecycle ----------------------------------------------------------------

    async def start(self) -> None:
        """Listen on 127.0.0.1 (https for local, http for cloud)."""
        if self._runner is not None:
            raise RuntimeError("simulator already started")
        self._server = ApiServer(self)
        runner = web.AppRunner(
            self._server.app(), access_log=None, shutdown_timeout=0.5
        )
        await runner.setup()
        ssl_context = server_ssl_context() if self.mode == "local" else None
        site = web.TCPSite(
            runner, "127.0.0.1", self._requested_port, ssl_context=ssl_context
        )
        try:
            await site.start()
        except BaseException:
            await runner.cleanup()
            raise
        self._runner = runner
        self._port = int(runner.addresses[0][1])
        if self.sensor_period:
            self._sensor_task = asyncio.create_task(
                sensing.count_time(self.core, self.sensor_period)
            )

    async def stop(self) -> None:
        """Stop executions and the server; nothing is left running."""
        if self._sensor_task is not None:
            self._sensor_task.cancel()
            await asyncio.gather(self._sensor_task, return_exceptions=True)
            self._sensor_task = None
        await self.core.close()
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None
        if self._server is not None:
            await self._server.cancel_handlers()

    async def __aenter__(self) -> Self:
        await self.start()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.stop()

    # -- where and who ------------------------------------------------------------

    @property
    def port(self) -> int:
        """The TCP port the simulator listens on."""
        if self._port is None:
            raise RuntimeError("simulator not started")
        return self._port

    @property
    def host(self) -> str:
        """``host:port`` as a client reaches it (localhost for the cloud's cookie)."""
        name = "localhost" if self.mode == "cloud" else "127.0.0.1"
        return f"{name}:{self.port}"

    @property
    def base_url(self) -> str:
        """The API base URL, ending with a slash."""
        if self.mode == "cloud":
            return f"http://{self.host}{CLOUD_PREFIX}"
        return f"https://{self.host}{LOCAL_PREFIX}"

    @property
    def control_url(self) -> str:
        """Base URL of the /_sim/ control path."""
        scheme = "http" if self.mode == "cloud" else "https"
        return f"{scheme}://{self.host}/_sim/"

    @property
    def token(self) -> str:
        """The Bearer token the local API accepts."""
        return self.auth.token

    @property
    def username(self) -> str:
        """The cloud login."""
        return self.auth.username

    @property
    def password(self) -> str:
        """The cloud password."""
        return self.auth.password

    @property
    def gateway_id(self) -> str:
        """Id of the house's first gateway."""
        return self.core.gateway_id

    @property
    def server_config(self) -> ServerConfig:
        """A pyoverkiz ``ServerConfig`` reaching this simulator."""
        # Imported here: the command line starts faster without pyoverkiz.
        from pyoverkiz.enums import APIType  # noqa: PLC0415
        from pyoverkiz.utils import (  # noqa: PLC0415
            create_local_server_config,
            create_server_config,
        )

        if self.mode == "local":
            return create_local_server_config(host=self.host)
        return create_server_config(
            name="Overkiz simulator",
            endpoint=self.base_url,
            manufacturer="Somfy",
            api_type=APIType.CLOUD,
        )

    # -- state and statistics -----------------------------------------------------

    @property
    def stats(self) -> Stats:
        """Calls per endpoint, executions accepted/rejected, commands per device."""
        return self.core.stats

    def stats_snapshot(self) -> dict[str, Any]:
        """Return the statistics as plain JSON data."""
        data = asdict(self.stats)
        data["calls"] = dict(self.stats.calls)
        data["running_executions"] = len(self.core.executions)
        return data

    @property
    def device_urls(self) -> list[str]:
        """Every device URL of the house, in setup order."""
        return list(self.core.devices)

    def state(self, device_url: str, name: str) -> Any:
        """Return a device state's value (KeyError when unknown)."""
        return self.core.devices[device_url].value(name)

    def set_state(self, device_url: str, name: str, value: Any, kind: int = 3) -> None:
        """Change a state from outside (a remote control, a sensor) with its event."""
        device = self.core.devices[device_url]
        self.core.emit_states(device, device.put_state(name, kind, value))

    def detect(self, device_url: str, detected: bool = True) -> str:
        """Trip (or clear) a detector (smoke, contact, motion...); return its state."""
        return sensing.detect(self.core, device_url, detected)

    def tick(self, seconds: float) -> None:
        """Let counters (energy, water, gas, running time) grow by ``seconds``."""
        sensing.tick(self.core, seconds)

    def emit(self, event: dict[str, Any]) -> None:
        """Queue any event (e.g. ``{"name": "GatewaySynchronizationEndedEvent"}``)."""
        self.core.emit(event)

    def add_device(self, raw: dict[str, Any]) -> None:
        """Add a device (API format, e.g. from ``houses``), with DeviceCreatedEvent."""
        url = raw["deviceURL"]
        if url in self.core.devices:
            raise ValueError(f"Device {url} already exists")
        self.core.house["devices"].append(raw)
        self.core.devices[url] = make_device(raw)
        self.core.emit({"name": "DeviceCreatedEvent", "deviceURL": url})

    def remove_device(self, device_url: str) -> None:
        """Remove a device, with DeviceRemovedEvent."""
        device = self.core.devices.pop(device_url)
        self.core.house["devices"].remove(device.raw)
        self.core.emit({"name": "DeviceRemovedEvent", "deviceURL": device_url})

    def set_available(self, device_url: str, available: bool) -> None:
        """Make a device (un)available, with DeviceAvailableEvent/Unavailable."""
        device = self.core.devices[device_url]
        device.raw["available"] = available
        status = "available" if available else "unavailable"
        self.core.emit_states(device, device.apply({"core:StatusState": status}))
        name = "DeviceAvailableEvent" if available else "DeviceUnavailableEvent"
        self.core.emit({"name": name, "deviceURL": device_url})

    def add_scenario(self, group: dict[str, Any]) -> None:
        """Add or change a scenario (``scenarios.scenario``), as the app would."""
        known = group.get("oid") in self.scenarios.groups
        oid = self.scenarios.add(group)
        name = "ActionGroupUpdatedEvent" if known else "ActionGroupCreatedEvent"
        self.core.emit({"name": name, "actionGroupOID": oid})

    def remove_scenario(self, oid: str) -> None:
        """Delete a scenario, as the app would, with ActionGroupDeletedEvent."""
        self.scenarios.remove(oid)
        self.core.emit({"name": "ActionGroupDeletedEvent", "actionGroupOID": oid})

    @property
    def speed(self) -> float:
        """Simulated seconds per loop second (can change while running)."""
        return self.core.clock.speed

    @speed.setter
    def speed(self, speed: float) -> None:
        if speed <= 0:
            raise ValueError("speed must be > 0")
        self.core.clock.speed = speed

    @property
    def running_executions(self) -> int:
        """Executions running or waiting on the gateway."""
        return len(self.core.executions)

    async def settle(self) -> None:
        """Finish every running movement and execution now (instead of sleeping)."""
        await self.core.settle()

    # -- faults -------------------------------------------------------------------

    def fail(self, endpoint: str, error: str, count: int = 1) -> None:
        """Answer the next ``count`` calls of ``endpoint`` ("*": any) with ``error``."""
        self.faults.fail(endpoint, error, count)

    def drop(self, endpoint: str, count: int = 1, *, after: bool = False) -> None:
        """Close the connection of the next ``count`` calls of ``endpoint``.

        ``after=True`` handles the call first and loses only the answer.
        """
        self.faults.drop(endpoint, count, after=after)

    def set_latency(self, seconds: float) -> None:
        """Delay every API answer by ``seconds`` (loop time, not scaled by speed)."""
        self.faults.set_latency(seconds)

    def clear_faults(self) -> None:
        """Forget pending faults and latency."""
        self.faults.clear()

    def go_down(self) -> None:
        """Take the gateway offline.

        Local: every API call is dropped. Cloud: the gateway shows ``alive: false``,
        listeners get a GatewayDownEvent and new executions fail.
        """
        if self.is_down:
            return
        self.is_down = True
        for gateway_id, gateway in self.core.gateways.items():
            gateway["alive"] = False
            self.core.emit({"name": "GatewayDownEvent", "gatewayId": gateway_id})

    def go_up(self) -> None:
        """Bring the gateway back, alive again, with a GatewayAliveEvent."""
        if not self.is_down:
            return
        self.is_down = False
        for gateway_id, gateway in self.core.gateways.items():
            gateway["alive"] = True
            self.core.emit({"name": "GatewayAliveEvent", "gatewayId": gateway_id})

    def expire_session(self) -> None:
        """End every cloud session (and its listeners); the local API has none."""
        if self.mode == "cloud":
            self.auth.expire_sessions()
            self.core.drop_listeners()

    def expire_listener(self) -> None:
        """Forget every event listener, as after 10 minutes without a fetch."""
        self.core.drop_listeners()

    def revoke_token(self) -> None:
        """Invalidate the local token; ``token`` then holds a fresh one."""
        self.auth.revoke_token()
