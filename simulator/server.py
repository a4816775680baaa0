"""HTTP side of the simulator: the API routes, their faults and the /_sim/ control path.

Paths are matched on the raw (still encoded) path, segment by segment, because device
URLs arrive ``quote_plus``-encoded and the HTTP stack would decode their slashes.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
import json
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote_plus

from aiohttp import web

from . import sensing
from .auth import COOKIE
from .errors import ERRORS, ApiErrorResponse, api_error, injected_error
from .local_format import local_device, local_gateway, local_setup
from .wire import java_numbers

if TYPE_CHECKING:
    from .gateway import GatewaySimulator

LOCAL_PREFIX = "/enduser-mobile-web/1/enduserAPI/"
CLOUD_PREFIX = "/enduser-mobile-web/enduserAPI/"
CONTROL_PREFIX = "/_sim/"
# Endpoints a local gateway does not have: it has no account, nor the home's places.
CLOUD_ONLY = frozenset({"login", "setup/places"})

type Handler = Callable[[web.Request, list[str], str], Awaitable[web.StreamResponse]]


@dataclass(frozen=True, slots=True)
class Route:
    """One API endpoint: method, path pattern ("{}" is a variable segment), name."""

    method: str
    pattern: tuple[str, ...]
    name: str
    handler: str
    auth: bool = True

    def match(self, method: str, segments: list[str]) -> list[str] | None:
        """Return the variable segments when this route matches, else None."""
        if method != self.method or len(segments) != len(self.pattern):
            return None
        values = []
        for part, segment in zip(self.pattern, segments, strict=True):
            if part == "{}":
                values.append(segment)
            elif part != segment:
                return None
        return values


def _route(method: str, path: str, name: str, handler: str, auth: bool = True) -> Route:
    return Route(method, tuple(path.split("/")), name, handler, auth)


# Literal routes come before the variable ones they could be mistaken for.
ROUTES = (
    _route("GET", "apiVersion", "apiVersion", "api_version", auth=False),
    _route("POST", "login", "login", "login", auth=False),
    _route("GET", "setup", "setup", "setup"),
    _route("GET", "setup/devices", "setup/devices", "devices"),
    _route("GET", "setup/gateways", "setup/gateways", "gateways"),
    _route("GET", "setup/places", "setup/places", "places"),
    _route(
        "POST",
        "setup/devices/states/refresh",
        "setup/devices/states/refresh",
        "refresh_all",
    ),
    _route("GET", "setup/devices/{}", "setup/devices/{url}", "device"),
    _route("GET", "setup/devices/{}/states", "setup/devices/{url}/states", "states"),
    _route(
        "POST",
        "setup/devices/{}/states/refresh",
        "setup/devices/{url}/states/refresh",
        "refresh_device",
    ),
    _route("POST", "events/register", "events/register", "register"),
    _route("POST", "events/{}/fetch", "events/fetch", "fetch"),
    _route("POST", "events/{}/unregister", "events/unregister", "unregister"),
    _route("POST", "exec/apply", "exec/apply", "apply"),
    _route("GET", "actionGroups", "actionGroups", "action_groups"),
    _route("POST", "exec/{}", "exec/{oid}", "run_action_group"),
    _route("GET", "exec/current", "exec/current", "current"),
    _route("GET", "exec/current/{}", "exec/current/{id}", "current_one"),
    _route("DELETE", "exec/current/setup/{}", "exec/current/setup/{id}", "cancel"),
    _route("GET", "history/executions", "history/executions", "history"),
)


def _json(data: Any, status: int = 200) -> web.Response:
    try:
        text = json.dumps(data, allow_nan=False)
    except ValueError:  # NaN or an infinity somewhere: quoted, as Jackson writes them
        text = json.dumps(java_numbers(data))
    return web.Response(status=status, text=text, content_type="application/json")


def _no_content() -> web.Response:
    return web.Response(status=204)


class _DroppedError(Exception):
    """The call is to be answered by closing the connection."""


class ApiServer:
    """Serves one simulator over HTTP(S)."""

    def __init__(self, sim: GatewaySimulator) -> None:
        self.sim = sim
        self.prefix = CLOUD_PREFIX if sim.mode == "cloud" else LOCAL_PREFIX
        self._in_flight = 0
        self._handlers: set[asyncio.Task[Any]] = set()

    async def cancel_handlers(self) -> None:
        """Cancel requests still being answered.

        aiohttp keeps answering a request whose client went away, outside the
        connections its shutdown waits for: stopping must not leave them behind.
        """
        handlers = list(self._handlers)
        for task in handlers:
            task.cancel()
        await asyncio.gather(*handlers, return_exceptions=True)

    def app(self) -> web.Application:
        """Build the application: one catch-all handler doing our own routing."""
        app = web.Application()
        app.router.add_route("*", "/{tail:.*}", self.handle)
        return app

    async def handle(self, request: web.Request) -> web.StreamResponse:
        """Route a request, applying faults, limits and auth first."""
        path = request.raw_path.split("?", 1)[0]
        task = asyncio.current_task()
        assert task is not None  # aiohttp runs every request in a task
        self._handlers.add(task)
        try:
            if path.startswith(CONTROL_PREFIX):
                return await self._control(request, path.removeprefix(CONTROL_PREFIX))
            if not path.startswith(self.prefix):
                raise api_error("NO_SUCH_RESOURCE")
            segments = [
                unquote_plus(part) for part in path[len(self.prefix) :].split("/")
            ]
            for route in ROUTES:
                values = route.match(request.method, segments)
                if values is not None:
                    return await self._api(request, route, values)
            raise api_error("NO_SUCH_RESOURCE")
        except ApiErrorResponse as error:
            return error.error.response()
        except _DroppedError:
            return await self._drop(request)
        finally:
            self._handlers.discard(task)

    async def _api(
        self, request: web.Request, route: Route, values: list[str]
    ) -> web.StreamResponse:
        sim = self.sim
        sim.stats.calls[route.name] += 1
        if route.name in CLOUD_ONLY and sim.mode != "cloud":
            raise api_error("NO_SUCH_RESOURCE")
        if (
            route.name == "history/executions"
            and sim.mode == "local"
            and not sim.local_history
        ):
            raise api_error("NO_SUCH_RESOURCE")
        if sim.is_down and sim.mode == "local":
            raise _DroppedError
        self._in_flight += 1
        try:
            if sim.faults.latency:
                await asyncio.sleep(sim.faults.latency)
            drop = sim.faults.take_drop(route.name)
            if drop is False:
                raise _DroppedError
            limit = sim.max_concurrent_requests
            if limit is not None and self._in_flight > limit:
                raise api_error("TOO_MANY_CONCURRENT_REQUESTS")
            error = sim.faults.take_failure(route.name)
            if error is not None:
                if route.name in ("exec/apply", "exec/{oid}"):
                    sim.stats.executions_rejected += 1
                injected = injected_error(error, sim.gateway_id, sim.core.exec_limit)
                return injected.response()
            owner = ""
            if route.auth:
                owner = sim.auth.check(request.headers, request.cookies)
            handler: Handler = getattr(self, f"_h_{route.handler}")
            response = await handler(request, values, owner)
            if drop:
                raise _DroppedError
            return response
        finally:
            self._in_flight -= 1

    async def _drop(self, request: web.Request) -> web.StreamResponse:
        """Close the connection without an answer (the client sees a disconnect)."""
        if request.transport is not None:
            request.transport.abort()
        raise asyncio.CancelledError

    # -- API handlers --------------------------------------------------------------

    async def _h_api_version(self, *_: Any) -> web.Response:
        return _json({"protocolVersion": "2025.4.4-12"})

    async def _h_login(self, request: web.Request, *_: Any) -> web.Response:
        form = await request.post()
        fields = {
            name: value if isinstance(value, str) else None
            for name in ("userId", "userPassword", "ssoToken")
            if (value := form.get(name)) is not None
        }
        if "ssoToken" in fields:  # a vendor's login (Nexity) opened the way
            session = self.sim.auth.login_sso(fields["ssoToken"], fields.get("userId"))
        else:
            session = self.sim.auth.login(
                fields.get("userId"), fields.get("userPassword")
            )
        response = _json({"success": True, "roles": [{"name": "ENDUSER"}]})
        response.set_cookie(COOKIE, session, path="/enduser-mobile-web", httponly=True)
        return response

    async def _h_setup(self, *_: Any) -> web.Response:
        house = self.sim.core.house
        return _json(house if self.sim.mode == "cloud" else local_setup(house))

    def _devices(self) -> list[Any]:
        """Return the house's devices as this API sends them."""
        devices: list[Any] = self.sim.core.house["devices"]
        return devices if self.sim.mode == "cloud" else list(map(local_device, devices))

    async def _h_devices(self, *_: Any) -> web.Response:
        return _json(self._devices())

    async def _h_places(self, *_: Any) -> web.Response:
        return _json(self.sim.core.house.get("rootPlace"))

    async def _h_gateways(self, *_: Any) -> web.Response:
        gateways: list[Any] = self.sim.core.house["gateways"]
        if self.sim.mode == "local":
            gateways = list(map(local_gateway, gateways))
        return _json(gateways)

    def _device(self, url: str) -> Any:
        device = self.sim.core.devices.get(url)
        if device is None:
            raise api_error("NO_SUCH_DEVICE", device=url)
        return device

    async def _h_device(
        self, _: web.Request, values: list[str], __: str
    ) -> web.Response:
        raw = self._device(values[0]).raw
        return _json(raw if self.sim.mode == "cloud" else local_device(raw))

    async def _h_states(
        self, _: web.Request, values: list[str], __: str
    ) -> web.Response:
        return _json(self._device(values[0]).states())

    async def _h_refresh_all(self, *_: Any) -> web.Response:
        core = self.sim.core
        for gateway_id in core.gateways:
            core.emit(
                {
                    "name": "RefreshAllDevicesStatesCompletedEvent",
                    "gatewayId": gateway_id,
                    "protocolType": 1,
                }
            )
        return _no_content()

    async def _h_refresh_device(
        self, _: web.Request, values: list[str], __: str
    ) -> web.Response:
        device = self._device(values[0])
        self.sim.core.emit_states(device, [dict(state) for state in device.states()])
        return _no_content()

    async def _h_register(
        self, _: web.Request, __: list[str], owner: str
    ) -> web.Response:
        return _json({"id": self.sim.core.register_listener(owner)})

    async def _h_fetch(
        self, _: web.Request, values: list[str], __: str
    ) -> web.Response:
        return _json(self.sim.core.fetch(values[0]))

    async def _h_unregister(
        self, _: web.Request, values: list[str], __: str
    ) -> web.Response:
        self.sim.core.listeners.pop(values[0], None)
        return _json({})

    async def _h_apply(self, request: web.Request, *_: Any) -> web.Response:
        sim = self.sim
        try:
            try:
                body = await request.json()
            except ValueError:
                raise api_error("MALFORMED_ACTION_GROUP") from None
            owner = sim.username if sim.mode == "cloud" else "local"
            exec_id = sim.core.apply(body, owner)
        except ApiErrorResponse:
            sim.stats.executions_rejected += 1
            raise
        sim.stats.executions_accepted += 1
        return _json({"execId": exec_id})

    async def _h_action_groups(self, *_: Any) -> web.Response:
        return _json(self.sim.scenarios.listing())

    async def _h_run_action_group(
        self, _: web.Request, values: list[str], __: str
    ) -> web.Response:
        sim = self.sim
        body = sim.scenarios.body(values[0])
        if sim.mode == "local":
            # Developer mode answers with an id but runs nothing (Somfy's
            # TaHoma developer mode does not support scenarios).
            return _json({"execId": sim.core.new_id()})
        try:
            exec_id = sim.core.apply(
                body, sim.username, sub_type="ACTION_GROUP", metadata=body["metadata"]
            )
        except ApiErrorResponse:
            sim.stats.executions_rejected += 1
            raise
        sim.stats.executions_accepted += 1
        return _json({"execId": exec_id})

    async def _h_current(self, *_: Any) -> web.Response:
        core = self.sim.core
        return _json([core.execution_view(e) for e in core.executions.values()])

    async def _h_current_one(
        self, _: web.Request, values: list[str], __: str
    ) -> web.Response:
        core = self.sim.core
        execution = core.executions.get(values[0])
        return _json(core.execution_view(execution) if execution else {})

    async def _h_cancel(
        self, _: web.Request, values: list[str], __: str
    ) -> web.Response:
        self.sim.core.cancel(values[0])
        return _no_content()

    async def _h_history(self, *_: Any) -> web.Response:
        return _json(self.sim.core.history_view())

    # -- control path --------------------------------------------------------------

    async def _control(self, request: web.Request, action: str) -> web.Response:
        """``/_sim/<action>``: drive faults and time from outside (demo, benchmarks)."""
        body: dict[str, Any] = {}
        if request.method == "POST" and request.can_read_body:
            try:
                data = await request.json()
            except ValueError:
                return _json({"error": "body must be JSON"}, 400)
            body = data if isinstance(data, dict) else {}
        try:
            result = await self._control_action(action, request.method, body)
        except (ValueError, KeyError, TypeError) as error:
            return _json({"error": str(error)}, 400)
        if result is None:
            return _json({"error": f"unknown control {request.method} {action}"}, 404)
        return _json(result)

    async def _control_action(
        self, action: str, method: str, body: dict[str, Any]
    ) -> dict[str, Any] | list[Any] | None:
        sim = self.sim
        simple: dict[str, Callable[[], None]] = {
            "down": sim.go_down,
            "up": sim.go_up,
            "expire_session": sim.expire_session,
            "expire_listener": sim.expire_listener,
            "revoke_token": sim.revoke_token,
            "clear_faults": sim.faults.clear,
            "reset_stats": sim.stats.reset,
        }
        if method == "GET" and action == "stats":
            return sim.stats_snapshot()
        if method == "GET" and action == "faults":
            return sim.faults.pending()
        if method == "GET" and action == "errors":
            return sorted(ERRORS)
        if method != "POST":
            return None
        if action in simple:
            simple[action]()
            return {"ok": True}
        if action == "settle":
            await sim.settle()
            return {"ok": True}
        if action == "fail":
            sim.fail(
                str(body["endpoint"]), str(body["error"]), int(body.get("count", 1))
            )
            return {"ok": True}
        if action == "drop":
            sim.drop(
                str(body["endpoint"]),
                int(body.get("count", 1)),
                after=bool(body.get("after", False)),
            )
            return {"ok": True}
        if action == "latency":
            sim.set_latency(float(body["seconds"]))
            return {"ok": True}
        return sensing.control(sim, action, body)
