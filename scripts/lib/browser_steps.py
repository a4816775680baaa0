"""The browser test's steps: what a person does with the demo, one function each.

Each step gets the page and the demo, and fails with an AssertionError (or a
Playwright timeout) saying what the page did not show.
"""

from __future__ import annotations

import json
from pathlib import Path
import re
import sys
from typing import TYPE_CHECKING

from playwright.sync_api import Page, expect

sys.path.insert(0, str(Path(__file__).resolve().parent))  # the harness beside it
from browser_harness import (
    CHECKOUT,
    SECOND_TOKEN,
    SPEED,
    WAIT,
    Demo,
    covers,
    hass_eval,
    our_entities,
    pending_sensor,
    position,
    shown_entities,
    state,
    wait_for,
)

if TYPE_CHECKING:
    from collections.abc import Callable

# The entity ids of the default house (the dashboard names them).
CLOSED_SHUTTER = "cover.kitchen_shutter_2"
OTHER_SHUTTER = "cover.bathroom_shutter_5"  # closed too


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
    expect(page.get_by_text("Somfy gateway 4455").first).to_be_visible()


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
        "Somfy gateway 9012"
    )
    dialog.get_by_role("button", name="Skip and finish").click()
    expect(page.get_by_text("Somfy gateway 9012", exact=True).first).to_be_visible()
    sensor = "sensor.somfy_gateway_9012_pending_actions"
    wait_for(
        page, "the second gateway's entities", lambda: state(page, sensor) == "0", 30
    )


def _perform(page: Page, call: dict[str, object]) -> None:
    """Perform an action written in the YAML editor; see its exec id."""
    editor = page.locator(".cm-content").first
    editor.click()
    page.keyboard.press("ControlOrMeta+a")
    page.keyboard.press("Delete")
    page.keyboard.insert_text(json.dumps(call))  # YAML reads JSON as it is
    page.get_by_role("button", name="Perform action").click()
    response = page.locator(".cm-content").nth(1)
    expect(response).to_have_text(re.compile(r"exec_id: [0-9a-f-]{36}"))


def execute_command_action(page: Page, demo: Demo) -> None:
    """Run execute_command from Developer tools → Actions, by entity and by URL."""
    page.goto(f"{demo.url}/developer-tools/action")
    page.get_by_role("button", name="YAML mode").click()
    _perform(
        page,
        {
            "action": "overkiz_batch.execute_command",
            "target": {"entity_id": OTHER_SHUTTER},
            "data": {"command": "close"},
        },
    )
    wait_for(
        page,
        "the cover closing",
        lambda: state(page, OTHER_SHUTTER) in {"closing", "closed"},
        10,
    )
    # A device URL alone is a whole call: the form asks for no target.
    url = hass_eval(
        page,
        f"hass.devices[hass.entities[{json.dumps(CLOSED_SHUTTER)}].device_id]"
        ".identifiers.find(i => i[0] === 'overkiz_batch')[1]",
    )
    _perform(
        page,
        {
            "action": "overkiz_batch.execute_command",
            "data": {"device_url": url, "command": "open"},
        },
    )
    wait_for(
        page,
        "the cover opening",
        lambda: state(page, CLOSED_SHUTTER) in {"opening", "open"},
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
