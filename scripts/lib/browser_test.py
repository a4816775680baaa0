"""The browser test behind scripts/test-browser: the demo driven as a person does.

Starts the demo (scripts/lib/demo.py) on free ports with a fresh configuration, a
second simulated gateway, and headless Chromium (the system's, through Playwright's
Python API), then goes through what a person does: the dashboard, closing every
cover, stopping one cover of a group, the options form, adding a second gateway,
and an action from Developer tools. Each step that fails leaves a screenshot in
test-results/browser/. Ends with one line: "N passed, N failed".
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
from pathlib import Path
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import traceback
from typing import TYPE_CHECKING, Any
import urllib.request

from playwright.sync_api import BrowserContext, Page, expect, sync_playwright

if TYPE_CHECKING:
    from collections.abc import Callable

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

# The entity ids of the default house (the dashboard names them).
CLOSED_SHUTTER = "cover.kitchen_shutter_2"
OTHER_SHUTTER = "cover.bathroom_shutter_5"  # closed too


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


# -- the steps ------------------------------------------------------------------------


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


def dashboard_shows_every_entity(page: Page, demo: Demo) -> None:
    """Check that the dashboard and its "Everything" view show every entity."""
    home(page, demo)
    page.wait_for_timeout(1000)
    shown = shown_entities(page)
    listed = set(
        re.findall(
            r"^ +- ([a-z_]+\.[a-z0-9_]+)$",
            (CHECKOUT / "config/dashboards/house.yaml").read_text(),
            re.MULTILINE,
        )
    )
    # Every entity the House view names exists and is shown there.
    entities = our_entities(page)
    assert listed <= set(entities), (
        f"not in the house: {sorted(listed - set(entities))}"
    )
    assert listed <= shown, f"not shown: {sorted(listed - shown)}"
    page.goto(f"{demo.url}/demo-house/everything")
    expect(page.get_by_text("Close all covers")).to_have_count(0, timeout=WAIT)
    page.wait_for_timeout(1000)
    shown |= shown_entities(page)
    # Diagnostic and configuration entities are on their device's page, as in any
    # dashboard Home Assistant makes; the House view shows the pending actions.
    categorized = set(
        hass_eval(
            page,
            "Object.values(hass.entities).filter(e => e.entity_category)"
            ".map(e => e.entity_id)",
        )
    )
    missing = sorted(set(entities) - shown - categorized)
    assert not missing, f"not on the dashboard: {', '.join(missing)}"


def home(page: Page, demo: Demo) -> None:
    """Open the demo's dashboard and wait until it shows the house."""
    page.goto(demo.url)
    expect(page.get_by_text("Close all covers")).to_be_visible()
    wait_for(
        page, "the house's entities load", lambda: len(our_entities(page)) > 20, 60
    )


def close_all_covers(page: Page, demo: Demo) -> None:
    """Check that "Close all covers" closes all; the pending actions go to 0."""
    home(page, demo)
    sensor = pending_sensor(page)
    page.get_by_text("Close all covers").click()
    wait_for(
        page,
        "every cover closed",
        lambda: set(covers(page).values()) == {"closed"},
        20 / SPEED + 30,
    )
    wait_for(page, "no action pending", lambda: state(page, sensor) == "0", 10)
    row = page.locator("hui-sensor-entity-row").filter(has_text="Pending actions")
    expect(row).to_contain_text("0")


def position(page: Page, entity_id: str) -> int | None:
    """Return a cover's position as the frontend knows it."""
    found: int | None = hass_eval(
        page, f"hass.states[{json.dumps(entity_id)}].attributes.current_position"
    )
    return found


def stopping_one_cover_of_a_group(page: Page, demo: Demo) -> None:
    """Check that of covers opened together, one stopped shows stopped."""
    home(page, demo)
    if state(page, CLOSED_SHUTTER) != "closed":
        close_all_covers(page, demo)
    page.get_by_text("Open all covers").click()
    wait_for(
        page, "covers opening", lambda: state(page, CLOSED_SHUTTER) == "opening", 10
    )
    page.wait_for_timeout(1500)
    row = page.locator("hui-cover-entity-row").filter(has_text="Kitchen shutter 2")
    row.get_by_role("button", name=re.compile("stop", re.IGNORECASE)).click()
    wait_for(
        page,
        "the stopped cover shown open",
        lambda: state(page, CLOSED_SHUTTER) == "open",
        10,
    )
    stopped_at = position(page, CLOSED_SHUTTER)
    assert stopped_at is not None
    assert 0 < stopped_at < 100, stopped_at
    assert state(page, OTHER_SHUTTER) == "opening", "the others stopped too"
    wait_for(page, "the others open", lambda: state(page, OTHER_SHUTTER) == "open", 30)
    assert position(page, CLOSED_SHUTTER) == stopped_at
    assert state(page, CLOSED_SHUTTER) == "open"


def integration_page(page: Page, demo: Demo) -> None:
    """Open the integration's page (Settings → Devices & services → Overkiz Batch)."""
    page.goto(f"{demo.url}/config/integrations/integration/overkiz_batch")
    expect(page.get_by_text("TaHoma Switch 4455").first).to_be_visible()


def configure(page: Page) -> None:
    """Open the options of the first gateway (its cog button)."""
    page.get_by_role(
        "button", name=re.compile("configure", re.IGNORECASE)
    ).first.click()


def options_form(page: Page, demo: Demo) -> None:
    """Check that the options form refuses a bad value, and saves a good one."""
    integration_page(page, demo)
    page.get_by_role(
        "button", name=re.compile("configure", re.IGNORECASE)
    ).first.click()
    dialog = page.locator("dialog-data-entry-flow")
    delay = dialog.get_by_role("spinbutton", name=re.compile("Batching delay"))
    delay.fill("99")
    dialog.get_by_role("button", name="Submit").click()
    expect(dialog.get_by_text("Enter a delay from 0 to 10 seconds.")).to_be_visible()
    delay.fill("1.5")
    dialog.get_by_role("button", name="Submit").click()
    expect(dialog.get_by_text("Options successfully saved.")).to_be_visible()
    dialog.get_by_role("button", name="Finish").click()
    # Saved: the form opens again with it.
    integration_page(page, demo)
    page.get_by_role(
        "button", name=re.compile("configure", re.IGNORECASE)
    ).first.click()
    expect(delay).to_have_value("1.5")
    page.keyboard.press("Escape")


def second_gateway(page: Page, demo: Demo) -> None:
    """Add a second simulated gateway through the config flow (local API)."""
    integration_page(page, demo)
    page.get_by_role("button", name="Add hub").click()
    dialog = page.locator("dialog-data-entry-flow")
    expect(dialog.get_by_text("Pick your server.")).to_be_visible()
    dialog.get_by_role("button", name="Submit").click()  # Somfy (Europe)
    dialog.get_by_text("Local API", exact=True).click()
    expect(dialog.get_by_text("through its local API")).to_be_visible()
    dialog.get_by_role("textbox", name=re.compile("Host")).fill(
        f"127.0.0.1:{demo.second_port}"
    )
    dialog.locator("input[type=password]").fill(SECOND_TOKEN)
    verify = dialog.get_by_role("checkbox", name=re.compile("Verify SSL"))
    verify.click(force=True)  # the checkbox's own ripple covers it
    expect(verify).not_to_be_checked()
    dialog.get_by_role("button", name="Submit").click()
    # Named from what the gateway tells: its model and the end of its id.
    expect(dialog.get_by_role("textbox", name="Device name").first).to_have_value(
        "TaHoma Switch 9012"
    )
    dialog.get_by_role("button", name="Skip and finish").click()
    expect(page.get_by_text("TaHoma Switch 9012", exact=True).first).to_be_visible()
    sensor = "sensor.tahoma_switch_9012_pending_actions"
    wait_for(
        page, "the second gateway's entities", lambda: state(page, sensor) == "0", 30
    )


def execute_command_action(page: Page, demo: Demo) -> None:
    """Run execute_command from Developer tools → Actions; see its exec id."""
    page.goto(f"{demo.url}/developer-tools/action")
    page.get_by_role("button", name="YAML mode").click()
    editor = page.locator(".cm-content")
    editor.click()
    page.keyboard.press("ControlOrMeta+a")
    page.keyboard.press("Delete")
    call = {
        "action": "overkiz_batch.execute_command",
        "target": {"entity_id": OTHER_SHUTTER},
        "data": {"command": "close"},
    }
    page.keyboard.insert_text(json.dumps(call))  # YAML reads JSON as it is
    page.get_by_role("button", name="Perform action").click()
    response = page.locator(".cm-content").nth(1)
    expect(response).to_have_text(re.compile(r"exec_id: [0-9a-f-]{36}"))
    wait_for(
        page,
        "the cover closing",
        lambda: state(page, OTHER_SHUTTER) in {"closing", "closed"},
        10,
    )


STEPS: list[Callable[[Page, Demo], None]] = [
    dashboard_shows_every_entity,
    close_all_covers,
    stopping_one_cover_of_a_group,
    options_form,
    second_gateway,
    execute_command_action,
]


def run_steps(context: BrowserContext, demo: Demo) -> tuple[int, int]:
    """Run every step; a failed one leaves a screenshot and the next ones go on."""
    passed = failed = 0
    page = context.new_page()
    page.set_default_timeout(WAIT)
    for step in STEPS:
        name = step.__name__
        started = time.monotonic()
        try:
            step(page, demo)
        except Exception:  # every failure is reported, the run goes on
            failed += 1
            RESULTS.mkdir(parents=True, exist_ok=True)
            shot = RESULTS / f"{name}.png"
            with contextlib.suppress(Exception):
                page.screenshot(path=str(shot), full_page=True)
            say(f"FAIL {name} ({time.monotonic() - started:.1f} s), screenshot {shot}")
            traceback.print_exc()
        else:
            passed += 1
            say(f"ok   {name} ({time.monotonic() - started:.1f} s)")
    return passed, failed


def main(argv: list[str] | None = None) -> int:
    """Run the browser test; exit 1 when a step failed."""
    parser = argparse.ArgumentParser(prog="scripts/test-browser")
    parser.add_argument("--chromium", default=shutil.which("chromium") or "chromium")
    parser.add_argument("-k", dest="only", default="", help="run the steps named so")
    options = parser.parse_args(argv)
    if options.only:
        STEPS[:] = [s for s in STEPS if options.only in s.__name__]
    shutil.rmtree(RESULTS, ignore_errors=True)
    with tempfile.TemporaryDirectory(prefix="overkiz-batch-browser-") as tmp:
        demo = Demo(Path(tmp))
        started = time.monotonic()
        try:
            demo.start()
            say(f"demo up at {demo.url} in {time.monotonic() - started:.0f} s")
            with sync_playwright() as playwright:
                context = playwright.chromium.launch_persistent_context(
                    str(Path(tmp) / "profile"),
                    executable_path=options.chromium,
                    headless=True,
                    args=CHROMIUM_FLAGS,
                    viewport={"width": 1280, "height": 900},
                )
                try:
                    passed, failed = run_steps(context, demo)
                finally:
                    context.close()
        except Exception:
            traceback.print_exc()
            passed, failed = 0, len(STEPS)
        finally:
            demo.stop()
            if failed:
                RESULTS.mkdir(parents=True, exist_ok=True)
                shutil.copy(demo.log, RESULTS / "demo.log")
    say(f"done in {time.monotonic() - started:.0f} s")
    print(f"{passed} passed, {failed} failed", flush=True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
