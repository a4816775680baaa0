"""The demo behind scripts/develop: a simulated gateway and a configured Home Assistant.

One launcher process runs the simulator and Home Assistant as its children, prefixes
their logs in the terminal, and stops both on Ctrl-C (SIGINT), SIGTERM or SIGHUP: Home
Assistant first, so it unloads the integration while the gateway still answers, then
the simulator. The children run in their own process group, so a Ctrl-C reaches the
launcher alone and the stop keeps that order; they get SIGTERM if the launcher dies.

Before Home Assistant starts, the launcher writes run-time state into the config folder
(git-ignored): an owner user (the trusted_networks provider of configuration.yaml logs a
visitor from this machine in as that user without a prompt), onboarding marked done,
and the config entry of a local-API gateway pointing at the simulator.
tests/test_demo.py loads the same state into a headless Home Assistant.
"""

from __future__ import annotations

import asyncio
import contextlib
from dataclasses import dataclass
from datetime import UTC, datetime
import json
import os
from pathlib import Path
import shutil
import signal
import socket
import ssl
import sys
from typing import TYPE_CHECKING, Any
import uuid

import aiohttp

if TYPE_CHECKING:
    import argparse

sys.path.insert(0, str(Path(__file__).resolve().parent))  # demo_args beside it
from demo_args import CHECKOUT, DEFAULT_HTTP_PORT, parse_args

LOCAL_API_PATH = "/enduser-mobile-web/1/enduserAPI/"
DEMO_HUB = "somfy_developer_mode"
OWNER_NAME = "Demo"
DASHBOARD = "demo-house"  # url path of the dashboard in configuration.yaml

STARTUP_TIMEOUT = 30.0  # seconds for the simulator to answer
# Seconds each child gets to stop before SIGKILL: Home Assistant writes its state.
STOP_TIMEOUTS = {"hass": 60.0, "sim": 10.0}
STORAGE = ".storage"


# -- run-time state of the config folder ----------------------------------------------


def entry_data(host: str, token: str, gateway_id: str) -> dict[str, Any]:
    """Return the entry data the config flow would make for the simulated gateway."""
    from homeassistant.const import (  # noqa: PLC0415 - the launcher starts faster
        CONF_HOST,
        CONF_TOKEN,
        CONF_VERIFY_SSL,
    )

    from custom_components.overkiz_batch.const import (  # noqa: PLC0415
        API_TYPE_LOCAL,
        CONF_API_TYPE,
        CONF_GATEWAY_ID,
        CONF_HUB,
    )

    return {
        CONF_HUB: DEMO_HUB,
        CONF_API_TYPE: API_TYPE_LOCAL,
        CONF_HOST: host,
        CONF_TOKEN: token,
        # The simulator's certificate is self-signed.
        CONF_VERIFY_SSL: False,
        CONF_GATEWAY_ID: gateway_id,
    }


def _read_store(path: Path) -> dict[str, Any] | None:
    try:
        data = json.loads(path.read_text())
    except FileNotFoundError, ValueError:
        return None
    return (
        data if isinstance(data, dict) and isinstance(data.get("data"), dict) else None
    )


def _write_store(
    path: Path, key: str, version: int, minor: int, data: dict[str, Any]
) -> None:
    """Write a file in Home Assistant's storage format (private, atomically)."""
    body = {"version": version, "minor_version": minor, "key": key, "data": data}
    tmp = path.with_suffix(".demo-tmp")
    tmp.write_text(json.dumps(body, indent=2))
    tmp.chmod(0o600)
    tmp.replace(path)


def _now() -> str:
    return datetime.now(UTC).isoformat()


def _ensure_owner(storage: Path) -> None:
    """One active owner, and no other person a visitor could be asked to pick."""
    from homeassistant.auth.auth_store import (  # noqa: PLC0415
        STORAGE_KEY,
        STORAGE_VERSION,
    )
    from homeassistant.auth.const import GROUP_ID_ADMIN  # noqa: PLC0415

    path = storage / STORAGE_KEY
    stored = _read_store(path)
    if stored is not None:
        users = stored["data"].get("users", [])
        people = [u for u in users if not u.get("system_generated")]
        if any(u.get("is_owner") and u.get("is_active") for u in people):
            return
    # No owner yet: a fresh store (groups are added by Home Assistant when it loads).
    owner = {
        "id": uuid.uuid4().hex,
        "group_ids": [GROUP_ID_ADMIN],
        "is_owner": True,
        "is_active": True,
        "name": OWNER_NAME,
        "system_generated": False,
        "local_only": True,
    }
    data = {"users": [owner], "groups": [], "credentials": [], "refresh_tokens": []}
    _write_store(path, STORAGE_KEY, STORAGE_VERSION, 1, data)


def _mark_onboarded(storage: Path) -> None:
    from homeassistant.components.onboarding import (  # noqa: PLC0415
        STORAGE_KEY,
        STORAGE_VERSION,
    )
    from homeassistant.components.onboarding.const import STEPS  # noqa: PLC0415

    _write_store(
        storage / STORAGE_KEY, STORAGE_KEY, STORAGE_VERSION, 1, {"done": STEPS}
    )


def _put_entry(storage: Path, data: dict[str, Any], title: str) -> None:
    """Add the gateway's config entry, or point the existing one at the simulator."""
    from homeassistant.config_entries import (  # noqa: PLC0415
        SOURCE_USER,
        STORAGE_KEY,
        STORAGE_VERSION,
        STORAGE_VERSION_MINOR,
    )

    from custom_components.overkiz_batch.config_flow import (  # noqa: PLC0415
        OverkizBatchConfigFlow,
    )
    from custom_components.overkiz_batch.const import (  # noqa: PLC0415
        CONF_GATEWAY_ID,
        DOMAIN,
    )

    path = storage / STORAGE_KEY
    stored = _read_store(path)
    version, minor = STORAGE_VERSION, STORAGE_VERSION_MINOR
    entries: list[dict[str, Any]] = []
    if stored is not None:
        version = stored.get("version", version)
        minor = stored.get("minor_version", minor)
        entries = stored["data"].get("entries", [])
    gateway_id = data[CONF_GATEWAY_ID]
    mine = [
        entry
        for entry in entries
        if entry.get("domain") == DOMAIN and entry.get("unique_id") == gateway_id
    ]
    now = _now()
    if mine:
        if mine[0]["data"] != data:
            mine[0].update(data=data, title=title, modified_at=now)
    else:
        entries.append(
            {
                "created_at": now,
                "data": data,
                "disabled_by": None,
                "discovery_keys": {},
                "domain": DOMAIN,
                "entry_id": uuid.uuid4().hex,
                "minor_version": OverkizBatchConfigFlow.MINOR_VERSION,
                "modified_at": now,
                "options": {},
                "pref_disable_new_entities": False,
                "pref_disable_polling": False,
                "source": SOURCE_USER,
                "subentries": [],
                "title": title,
                "unique_id": gateway_id,
                "version": OverkizBatchConfigFlow.VERSION,
            }
        )
    _write_store(path, STORAGE_KEY, version, minor, {"entries": entries})


def _serve_locally(storage: Path, port: int) -> None:
    """Listen on 127.0.0.1:port only: the login bypass is for this machine.

    Home Assistant keeps its HTTP settings in .storage (YAML is migrated once, then
    ignored); a stable config means no "confirm new HTTP settings" prompt either.
    """
    from homeassistant.components.http.config import (  # noqa: PLC0415
        HTTP_STORAGE_SCHEMA,
        STORAGE_KEY,
        STORAGE_MINOR_VERSION,
        STORAGE_VERSION,
    )

    path = storage / STORAGE_KEY
    wanted = HTTP_STORAGE_SCHEMA({"server_host": ["127.0.0.1"], "server_port": port})
    stored = _read_store(path)
    if stored is not None and stored["data"].get("pending") is None:
        stable = stored["data"].get("stable") or {}
        if {k: stable.get(k) for k in wanted} == wanted:
            return
    stable = {**wanted, "created_at": _now(), "error": None, "error_message": None}
    data = {"stable": stable, "pending": None, "yaml_migration_done": True}
    _write_store(path, STORAGE_KEY, STORAGE_VERSION, STORAGE_MINOR_VERSION, data)


def _default_dashboard(storage: Path) -> None:
    """Open on the demo's dashboard, unless the user picked another default."""
    from homeassistant.components.frontend.storage import (  # noqa: PLC0415
        STORAGE_VERSION_SYSTEM_DATA,
    )

    key = "frontend.system_data"
    stored = _read_store(storage / key)
    data = stored["data"] if stored is not None else {}
    core = data.setdefault("core", {})
    if "default_panel" not in core:
        core["default_panel"] = DASHBOARD
        _write_store(storage / key, key, STORAGE_VERSION_SYSTEM_DATA, 1, data)


def gateway_title(gateway: dict[str, Any]) -> str:
    """Title the entry as the config flow does: the gateway's model and id end."""
    from pyoverkiz.enums import GatewayType  # noqa: PLC0415

    from custom_components.overkiz_batch.naming import (  # noqa: PLC0415
        short_gateway_id,
    )

    kind = GatewayType(gateway.get("type"))  # UNKNOWN for a type it does not know
    model = "Somfy gateway" if kind.name == "UNKNOWN" else kind.beautify_name
    return f"{model} {short_gateway_id(str(gateway['gatewayId']))}"


# What --reset keeps of the config folder: the files the checkout holds.
KEPT_BY_RESET = frozenset({"configuration.yaml", "dashboards"})


def reset(config_dir: Path) -> list[str]:
    """Forget what earlier runs stored in the config folder; return what went."""
    removed: list[str] = []
    if not config_dir.is_dir():
        return removed
    for path in sorted(config_dir.iterdir()):
        if path.name in KEPT_BY_RESET:
            continue
        if path.is_dir() and not path.is_symlink():
            shutil.rmtree(path)
        else:
            path.unlink()
        removed.append(path.name)
    return removed


def write_state(
    config_dir: Path,
    data: dict[str, Any],
    port: int = DEFAULT_HTTP_PORT,
    title: str | None = None,
) -> None:
    """Write what Home Assistant needs to start configured and without a login prompt.

    Only while Home Assistant is stopped: it keeps these files in memory, rewrites them.
    """
    storage = config_dir / STORAGE
    storage.mkdir(parents=True, exist_ok=True)
    _ensure_owner(storage)
    _mark_onboarded(storage)
    _put_entry(storage, data, title or data["host"])
    _serve_locally(storage, port)
    _default_dashboard(storage)


# -- children -------------------------------------------------------------------------


def _die_with_parent() -> None:
    """In the child: get SIGTERM when the launcher dies, however it dies (Linux)."""
    if sys.platform.startswith("linux"):
        import ctypes  # noqa: PLC0415

        pr_set_pdeathsig = 1
        ctypes.CDLL(None, use_errno=True).prctl(pr_set_pdeathsig, signal.SIGTERM)


@dataclass
class Child:
    """A child process whose output goes to the terminal, each line prefixed."""

    name: str
    process: asyncio.subprocess.Process
    pump: asyncio.Task[None]

    @classmethod
    async def start(cls, name: str, args: list[str], env: dict[str, str]) -> Child:
        """Start ``args`` and copy its output to the terminal."""
        process = await asyncio.create_subprocess_exec(
            *args,
            stdin=asyncio.subprocess.DEVNULL,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.STDOUT,
            cwd=CHECKOUT,
            env=env,
            process_group=0,
            preexec_fn=_die_with_parent,
        )
        assert process.stdout is not None
        pump = asyncio.create_task(_pump(f"{name:<4}| ", process.stdout))
        return cls(name, process, pump)

    @property
    def running(self) -> bool:
        """Whether the process has not exited yet."""
        return self.process.returncode is None

    async def stop(self, grace: float, force: asyncio.Event) -> None:
        """SIGTERM, then SIGKILL after ``grace`` seconds or at a second Ctrl-C."""
        if self.running:
            say(f"stopping {self.name}")
            with contextlib.suppress(ProcessLookupError):
                self.process.terminate()
            waiter = asyncio.create_task(self.process.wait())
            forced = asyncio.create_task(force.wait())
            await asyncio.wait(
                {waiter, forced}, timeout=grace, return_when="FIRST_COMPLETED"
            )
            forced.cancel()
            if self.running:
                say(f"{self.name} did not stop, killing it")
                with contextlib.suppress(ProcessLookupError):
                    self.process.kill()
            await waiter
        await self.pump


async def _pump(prefix: str, stream: asyncio.StreamReader) -> None:
    """Copy lines until the child closes its output (a closed terminal is no error)."""
    out = sys.stdout.buffer
    while line := await stream.readline():
        with contextlib.suppress(OSError):
            out.write(prefix.encode() + line)
            out.flush()


def say(message: str) -> None:
    """Print a line of the launcher's own."""
    sys.stdout.write(f"demo| {message}\n")
    sys.stdout.flush()


def _port_free(port: int) -> bool:
    with socket.socket() as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


async def _get(url: str, headers: dict[str, str] | None = None) -> tuple[int, Any]:
    """GET with aiohttp, certificates not checked (the simulator's is self-signed)."""
    context = ssl.create_default_context()
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    timeout = aiohttp.ClientTimeout(total=5)
    async with (
        aiohttp.ClientSession(timeout=timeout) as session,
        session.get(url, headers=headers, ssl=context) as response,
    ):
        body = (
            await response.json(content_type=None) if response.status == 200 else None
        )
        return response.status, body


async def _wait_until(child: Child, check: Any, what: str, limit: float | None) -> Any:
    """Poll ``check()`` until it returns a value; fail if the child exits first."""
    loop = asyncio.get_running_loop()
    deadline = None if limit is None else loop.time() + limit
    while True:
        if not child.running:
            raise RuntimeError(f"{child.name} exited while waiting for {what}")
        with contextlib.suppress(
            OSError, TimeoutError, ValueError, aiohttp.ClientError
        ):
            if (value := await check()) is not None:
                return value
        if deadline is not None and loop.time() > deadline:
            raise RuntimeError(f"timed out waiting for {what}")
        await asyncio.sleep(0.3)


def banner(http_port: int, sim_port: int) -> str:
    """Tell the user what to do now (the README's source for these commands)."""
    control = f"https://127.0.0.1:{sim_port}/_sim"
    return "\n".join(
        [
            "",
            f"Home Assistant: http://localhost:{http_port} (no login from this host)",
            f"Gateway control from another terminal ({control}/...):",
            f"  curl -k -X POST {control}/down      # the gateway goes offline",
            f"  curl -k -X POST {control}/up        # and comes back",
            f"  curl -k -X POST {control}/fail -d "
            """'{"endpoint": "exec/apply", "error": "EXEC_QUEUE_FULL", "count": 3}'""",
            f"  curl -k -X POST {control}/latency -d '{{\"seconds\": 2}}'",
            f"  curl -k -X POST {control}/clear_faults",
            f"  curl -k {control}/stats              # calls, executions, commands",
            "Ctrl-C stops Home Assistant and the simulator.",
            "",
        ]
    )


# -- the launcher ---------------------------------------------------------------------


async def run(options: argparse.Namespace) -> int:
    """Run the simulator and a configured Home Assistant; stop both at a signal."""
    for port in (options.port, options.sim_port):
        if not _port_free(port):
            say(f"port {port} is in use (another demo running?); see --help for ports")
            return 1
    if options.reset and (removed := reset(options.config)):
        say(f"reset: removed {', '.join(removed)} from {options.config}")
    loop = asyncio.get_running_loop()
    stop, force = asyncio.Event(), asyncio.Event()

    def on_signal() -> None:
        if stop.is_set():
            force.set()  # a second Ctrl-C: no more waiting
        stop.set()

    for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        loop.add_signal_handler(sig, on_signal)

    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    # Home Assistant finds custom_components/ of the checkout on the Python path.
    env["PYTHONPATH"] = os.pathsep.join(
        p for p in (str(CHECKOUT), env.get("PYTHONPATH", "")) if p
    )
    children: list[Child] = []
    try:
        sim = await Child.start(
            "sim",
            [
                sys.executable, "-m", "simulator", "--mode", "local",
                "--port", str(options.sim_port), "--house", options.house,
                "--token", options.token, "--speed", str(options.speed),
                *(["--gateway-id", options.gateway_id] if options.gateway_id else []),
            ],
            env,
        )  # fmt: skip
        children.append(sim)
        host = f"127.0.0.1:{options.sim_port}"
        url = f"https://{host}{LOCAL_API_PATH}setup/gateways"
        auth = {"Authorization": f"Bearer {options.token}"}

        async def first_gateway() -> dict[str, Any] | None:
            status, body = await _get(url, auth)
            return body[0] if status == 200 and body else None

        found = await _race(
            stop, _wait_until(sim, first_gateway, "the simulator", STARTUP_TIMEOUT)
        )
        if found is None:
            return 0
        gateway = found["gatewayId"]
        say(f"simulator up: gateway {gateway} at https://{host}")
        data = entry_data(host, options.token, gateway)
        write_state(options.config, data, options.port, gateway_title(found))
        say(f"state written to {options.config / STORAGE}; starting Home Assistant")
        hass = await Child.start(
            "hass",
            [
                sys.executable, "-m", "homeassistant", "--config", str(options.config),
                # Requirements come from requirements_develop.txt, installed beforehand.
                "--skip-pip",
            ],
            env,
        )  # fmt: skip
        children.append(hass)

        async def frontend_ready() -> bool | None:
            status, _ = await _get(f"http://127.0.0.1:{options.port}/manifest.json")
            return True if status == 200 else None

        if await _race(stop, _wait_until(hass, frontend_ready, "Home Assistant", None)):
            sys.stdout.write(banner(options.port, options.sim_port) + "\n")
            sys.stdout.flush()
        # Until a signal, or until a child ends on its own.
        exits = [asyncio.create_task(c.process.wait()) for c in children]
        await _race(stop, asyncio.wait(exits, return_when="FIRST_COMPLETED"))
        for task in exits:
            task.cancel()
        for child in children:
            if not child.running and not stop.is_set():
                say(f"{child.name} exited with {child.process.returncode}")
                return 1
        return 0
    except RuntimeError as error:
        say(f"error: {error}")
        return 1
    finally:
        # Home Assistant first: it unloads the entry while the gateway answers.
        for child in reversed(children):
            await child.stop(STOP_TIMEOUTS[child.name], force)
        if children:
            say("stopped")


async def _race(stop: asyncio.Event, work: Any) -> Any:
    """Await ``work`` unless ``stop`` is set first (then None)."""
    task = asyncio.ensure_future(work)
    stopper = asyncio.create_task(stop.wait())
    await asyncio.wait({task, stopper}, return_when="FIRST_COMPLETED")
    stopper.cancel()
    if task.done():
        return task.result()
    task.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await task
    return None


def main(argv: list[str] | None = None) -> int:
    """Entry point: run the demo until a signal."""
    options = parse_args(sys.argv[1:] if argv is None else argv)
    options.config = options.config.resolve()
    sys.path.insert(0, str(CHECKOUT))
    return asyncio.run(run(options))


if __name__ == "__main__":
    sys.exit(main())
