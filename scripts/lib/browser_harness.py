"""The browser test's harness: the demo as child processes, and what the page holds.

The demo (scripts/lib/demo.py) runs on free ports with a fresh configuration, beside a
second simulated gateway; the page's state is read through the frontend's ``hass``.
"""

from __future__ import annotations

import contextlib
import json
import os
from pathlib import Path
import shutil
import signal
import socket
import subprocess
import sys
import time
from typing import TYPE_CHECKING, Any
import urllib.request

if TYPE_CHECKING:
    from collections.abc import Callable

    from playwright.sync_api import Page

CHECKOUT = Path(__file__).resolve().parents[2]
RESULTS = CHECKOUT / "test-results" / "browser"
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SECOND_GATEWAY = "1234-5678-9012"
SECOND_TOKEN = "browser-test-second-gateway"
SPEED = 2  # a cover travels in 10 s: time to stop one while the others move
STARTUP_LIMIT = 240.0  # seconds for Home Assistant to serve its frontend
WAIT = 30_000  # ms for the page to show what a step expects


def free_port() -> int:
    """Return a port nothing listens on now (127.0.0.1)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def say(message: str) -> None:
    """Print a line of the test's own."""
    print(f"browser| {message}", flush=True)


class Demo:
    """The demo and a second simulated gateway, as child processes."""

    def __init__(self, workdir: Path) -> None:
        self.workdir = workdir
        self.port = free_port()
        self.sim_port = free_port()
        self.second_port = free_port()
        self.config = workdir / "config"
        self.log = workdir / "demo.log"
        self.processes: list[subprocess.Popen[bytes]] = []

    @property
    def url(self) -> str:
        """Home Assistant's address."""
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        """Start the demo on a fresh copy of the checkout's configuration."""
        self.config.mkdir(parents=True)
        shutil.copy(CHECKOUT / "config" / "configuration.yaml", self.config)
        shutil.copytree(CHECKOUT / "config" / "dashboards", self.config / "dashboards")
        env = {**os.environ, "PYTHONUNBUFFERED": "1"}
        with self.log.open("wb") as log:
            self.processes.append(
                subprocess.Popen(
                    [
                        sys.executable, str(CHECKOUT / "scripts/lib/demo.py"),
                        "--port", str(self.port), "--sim-port", str(self.sim_port),
                        "--config", str(self.config), "--speed", str(SPEED),
                    ],
                    cwd=CHECKOUT, env=env, stdout=log, stderr=subprocess.STDOUT,
                    stdin=subprocess.DEVNULL,
                )
            )  # fmt: skip
            self.processes.append(
                subprocess.Popen(
                    [
                        sys.executable, "-m", "simulator", "--mode", "local",
                        "--port", str(self.second_port),
                        "--gateway-id", SECOND_GATEWAY, "--token", SECOND_TOKEN,
                    ],
                    cwd=CHECKOUT, env=env, stdout=log, stderr=subprocess.STDOUT,
                    stdin=subprocess.DEVNULL,
                )
            )  # fmt: skip
        deadline = time.monotonic() + STARTUP_LIMIT
        while time.monotonic() < deadline:
            if any(p.poll() is not None for p in self.processes):
                raise RuntimeError(f"the demo stopped; see {self.log}")
            with (
                contextlib.suppress(OSError),
                urllib.request.urlopen(f"{self.url}/manifest.json", timeout=5),
            ):
                return
            time.sleep(0.5)
        raise RuntimeError(f"Home Assistant did not start in time; see {self.log}")

    def stop(self) -> None:
        """Stop the demo as Ctrl-C does, and the second gateway."""
        for process in self.processes:
            if process.poll() is None:
                process.send_signal(signal.SIGINT)
        for process in self.processes:
            try:
                process.wait(timeout=90)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


# -- what the page holds --------------------------------------------------------------


def hass_eval(page: Page, expression: str) -> Any:
    """Evaluate ``expression`` with ``hass``, the frontend's Home Assistant object."""
    return page.evaluate(
        f"() => {{ const hass = document.querySelector('home-assistant').hass;"
        f" return {expression}; }}"
    )


def state(page: Page, entity_id: str) -> str | None:
    """Return an entity's state as the frontend knows it."""
    found: str | None = hass_eval(page, f"hass.states[{json.dumps(entity_id)}]?.state")
    return found


def wait_for(page: Page, what: str, check: Callable[[], bool], limit: float) -> None:
    """Wait until ``check()`` holds, or fail saying ``what`` did not happen."""
    deadline = time.monotonic() + limit
    while not check():
        if time.monotonic() > deadline:
            raise AssertionError(f"{what}: not within {limit:g} s")
        page.wait_for_timeout(200)


def our_entities(page: Page) -> dict[str, str]:
    """Return the integration's visible entities: entity id to friendly name."""
    found: dict[str, str] = hass_eval(
        page,
        "Object.fromEntries(Object.values(hass.entities)"
        ".filter(e => e.platform === 'overkiz_batch' && !e.hidden"
        " && hass.states[e.entity_id])"
        ".map(e => [e.entity_id,"
        " hass.states[e.entity_id].attributes.friendly_name]))",
    )
    return found


def covers(page: Page, config_entry: str | None = None) -> dict[str, str]:
    """Return the integration's covers with their states."""
    found: dict[str, str] = hass_eval(
        page,
        "Object.fromEntries(Object.values(hass.entities)"
        ".filter(e => e.platform === 'overkiz_batch'"
        " && e.entity_id.startsWith('cover.'))"
        ".map(e => [e.entity_id, hass.states[e.entity_id]?.state]))",
    )
    return found


def pending_sensor(page: Page) -> str:
    """Return the entity id of the first gateway's pending actions sensor."""
    found: str = hass_eval(
        page,
        "Object.keys(hass.states).find(id => id.startsWith('sensor.')"
        " && id.endsWith('_pending_actions'))",
    )
    return found


def position(page: Page, entity_id: str) -> int | None:
    """Return a cover's position as the frontend knows it."""
    found: int | None = hass_eval(
        page, f"hass.states[{json.dumps(entity_id)}].attributes.current_position"
    )
    return found


# The entities the page's cards and rows show, found through their shadow trees.
SHOWN_ENTITIES = """() => {
  const ids = new Set();
  const walk = (root) => {
    for (const el of root.querySelectorAll("*")) {
      for (const obj of [el.stateObj, el._stateObj]) {
        if (obj && obj.entity_id) ids.add(obj.entity_id);
      }
      for (const conf of [el.config, el._config]) {
        if (conf && typeof conf.entity === "string") ids.add(conf.entity);
      }
      if (el.shadowRoot) walk(el.shadowRoot);
    }
  };
  walk(document);
  return [...ids];
}"""


def shown_entities(page: Page) -> set[str]:
    """Return the entity ids the page shows a card or a row for."""
    return set(page.evaluate(SHOWN_ENTITIES))
