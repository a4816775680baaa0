"""The browser test behind scripts/test-browser: the demo driven as a person does.

Starts the demo (scripts/lib/demo.py) on free ports with a fresh configuration, a
second simulated gateway, and headless Chromium (the system's, through Playwright's
Python API), then goes through what a person does: the dashboard, closing every
cover, stopping one cover of a group, the options form, adding a second gateway,
and an action from Developer tools. Each step that fails leaves a screenshot in
test-results/browser/. Ends with one line: "N passed, N failed".

The demo and the page's state are browser_harness.py's, the steps browser_steps.py's.
"""

from __future__ import annotations

import argparse
import contextlib
from pathlib import Path
import shutil
import sys
import tempfile
import time
import traceback

from playwright.sync_api import BrowserContext, sync_playwright

sys.path.insert(0, str(Path(__file__).resolve().parent))  # its modules beside it
from browser_harness import CHROMIUM_FLAGS, RESULTS, WAIT, Demo, say
from browser_steps import STEPS


def run_steps(
    context: BrowserContext, demo: Demo, *, shots: bool = False
) -> tuple[int, int]:
    """Run every step; a failed one leaves a screenshot and the next ones go on.

    With ``shots`` a passed step leaves one too, to look at.
    """
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
            if shots:
                RESULTS.mkdir(parents=True, exist_ok=True)
                page.screenshot(path=str(RESULTS / f"{name}.png"), full_page=True)
    return passed, failed


def main(argv: list[str] | None = None) -> int:
    """Run the browser test; exit 1 when a step failed."""
    parser = argparse.ArgumentParser(prog="scripts/test-browser")
    parser.add_argument("--chromium", default=shutil.which("chromium") or "chromium")
    parser.add_argument("-k", dest="only", default="", help="run the steps named so")
    parser.add_argument(
        "--screenshots",
        action="store_true",
        help="save a screenshot after every step, passed ones too",
    )
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
                    passed, failed = run_steps(context, demo, shots=options.screenshots)
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
