"""The demo behind scripts/develop: a simulated gateway and a configured Home Assistant.

One launcher process runs the simulator and Home Assistant as its children, prefixes
their logs in the terminal, and stops both on Ctrl-C (SIGINT), SIGTERM or SIGHUP: Home
Assistant first, so it unloads the integration while the gateway still answers, then
the simulator. The children run in their own process group, so a Ctrl-C reaches the
launcher alone and the stop keeps that order; they get SIGTERM if the launcher dies.

Before Home Assistant starts, the launcher writes run-time state into the config folder
(demo_state.py) and the dashboard of the house it runs (demo_dashboard.py); the
children and their output are demo_children.py's, the command line demo_args.py's.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
from pathlib import Path
import signal
import sys
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import argparse

sys.path.insert(0, str(Path(__file__).resolve().parent))  # its modules beside it
from demo_args import CHECKOUT, parse_args
from demo_children import Child, http_get, port_free, say, wait_until
from demo_dashboard import write_dashboard
from demo_state import STORAGE, entry_data, gateway_title, reset, write_state

LOCAL_API_PATH = "/enduser-mobile-web/1/enduserAPI/"
STARTUP_TIMEOUT = 30.0  # seconds for the simulator to answer
# Seconds each child gets to stop before SIGKILL: Home Assistant writes its state.
STOP_TIMEOUTS = {"hass": 60.0, "sim": 10.0}


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
        if not port_free(port):
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
            status, body = await http_get(url, auth)
            return body[0] if status == 200 and body else None

        found = await _race(
            stop, wait_until(sim, first_gateway, "the simulator", STARTUP_TIMEOUT)
        )
        if found is None:
            return 0
        gateway = found["gatewayId"]
        say(f"simulator up: gateway {gateway} at https://{host}")
        data = entry_data(host, options.token, gateway)
        write_state(options.config, data, options.port, gateway_title(found))
        write_dashboard(options.config, options.house, gateway)
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
            status, _ = await http_get(f"http://127.0.0.1:{options.port}/manifest.json")
            return True if status == 200 else None

        if await _race(stop, wait_until(hass, frontend_ready, "Home Assistant", None)):
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
