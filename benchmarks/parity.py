"""Device parity with Home Assistant core's overkiz integration, on real gateway dumps.

For each dump in ``../shared/fixtures/overkiz/`` (none: nothing to measure, exit 0) the
simulator serves the dump, and Home Assistant sets up, each in its own instance, core's
``overkiz`` integration (the installed package, unchanged) and ours. The entity
registry then tells, per integration: which of the dump's user-facing devices got at
least one entity enabled by default, and how many entities each platform enabled by
default (and disabled). Writes docs/parity.md (``--no-write``: print only).

scripts/parity [--no-write] [--check] [DUMP ...]   (DUMP: part of a file name)
"""

from __future__ import annotations

# Our custom_components first: the test plugin ships a package of that name too.
import custom_components.overkiz_batch  # noqa: F401  # isort: skip

import argparse
import asyncio
from contextlib import ExitStack
import json
import logging
from pathlib import Path
import sys
import time
from types import MappingProxyType
from typing import TYPE_CHECKING, Any
from unittest.mock import patch

from homeassistant.config_entries import ConfigEntryState
from homeassistant.const import (
    CONF_HOST,
    CONF_PASSWORD,
    CONF_TOKEN,
    CONF_USERNAME,
    CONF_VERIFY_SSL,
)
from homeassistant.helpers import entity_registry as er
from pyoverkiz.const import SUPPORTED_SERVERS
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
)

from benchmarks.harness import home_assistant
from benchmarks.parity_report import CORE, OURS, Census, DumpResult, Mode, report
from custom_components.overkiz_batch import client as our_client, const
from simulator import ENDPOINTS, GatewaySimulator

if TYPE_CHECKING:
    from homeassistant.core import HomeAssistant

ROOT = Path(__file__).resolve().parents[1]
DUMPS = ROOT.parent / "shared" / "fixtures" / "overkiz"
DOC = ROOT / "docs" / "parity.md"

CORE_DOMAIN = "overkiz"
# A cloud dump's hub, pointed at the simulator for both integrations.
SIM_HUB = "parity_simulator"
# Gateways and protocol stacks: core's overkiz leaves them out of every platform.
NOT_USER_FACING = frozenset({"ProtocolGateway", "Pod"})


def dump_mode(path: Path, api: str = "auto") -> Mode:
    """The API a dump replays on.

    ``dump``: its own (local dumps on the local API, the others on the cloud).
    ``auto``: the same once the simulator serves action groups (core's overkiz
    reads them at a cloud setup and fails without), else the local API.
    """
    if api == "local" or (api == "auto" and "actionGroups" not in ENDPOINTS):
        return "local"
    return "local" if "local" in path.stem else "cloud"


def user_facing(data: dict[str, Any]) -> dict[str, str]:
    """The dump's user-facing devices, URL -> a short description."""
    devices = {}
    for raw in data.get("devices") or []:
        ui_class = str(raw.get("uiClass") or raw.get("definition", {}).get("uiClass"))
        widget = str(raw.get("widget") or raw.get("definition", {}).get("widgetName"))
        if ui_class in NOT_USER_FACING or widget in NOT_USER_FACING:
            continue
        devices[raw["deviceURL"]] = (
            f"{ui_class}/{widget} ({raw.get('controllableName')})"
        )
    return devices


def device_of(unique_id: str, urls: list[str]) -> str | None:
    """The device URL an entity's unique id starts with (the longest one)."""
    for url in urls:  # longest first
        if unique_id == url or unique_id.startswith((f"{url}-", f"{url}_")):
            return url
    return None


class _ErrorLog(logging.Handler):
    """Keep the ERROR records logged while one integration sets up."""

    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        message = record.getMessage().splitlines()[0]
        if record.exc_info and record.exc_info[1] is not None:
            message += f" ({record.exc_info[1]!r})"
        self.lines.append(f"{record.name}: {message}")


def census(
    hass: HomeAssistant, entries: list[MockConfigEntry], urls: list[str]
) -> Census:
    """Count the entries' entities per platform and the devices they cover."""
    result = Census(loaded=all(e.state is ConfigEntryState.LOADED for e in entries))
    registry = er.async_get(hass)
    for entry in entries:
        for item in er.async_entries_for_config_entry(registry, entry.entry_id):
            result.unique_ids.setdefault(item.domain, set()).add(item.unique_id)
            if item.disabled_by is None:
                result.enabled[item.domain] += 1
                if (url := device_of(item.unique_id, urls)) is not None:
                    result.devices.add(url)
            else:
                result.disabled[item.domain] += 1
    return result


def core_entry(sim: GatewaySimulator) -> MockConfigEntry:
    """A config entry of core's overkiz, as its config flow makes them."""
    if sim.mode == "local":
        data: dict[str, Any] = {
            "api_type": "local",
            "hub": "somfy_europe",
            CONF_HOST: sim.host,
            CONF_TOKEN: sim.token,
            CONF_VERIFY_SSL: False,
        }
    else:
        data = {
            "api_type": "cloud",
            "hub": SIM_HUB,
            CONF_USERNAME: sim.username,
            CONF_PASSWORD: sim.password,
        }
    return MockConfigEntry(
        domain=CORE_DOMAIN,
        unique_id=sim.gateway_id,
        title="Simulated gateway",
        data=data,
        version=1,
        minor_version=2,
    )


def our_entry(sim: GatewaySimulator, gateway_id: str) -> MockConfigEntry:
    """A config entry of ours for one gateway of the account, default options."""
    if sim.mode == "local":
        data: dict[str, Any] = {
            const.CONF_API_TYPE: const.API_TYPE_LOCAL,
            const.CONF_HUB: "somfy_europe",
            CONF_HOST: sim.host,
            CONF_TOKEN: sim.token,
            CONF_VERIFY_SSL: False,
        }
    else:
        data = {
            const.CONF_API_TYPE: const.API_TYPE_CLOUD,
            const.CONF_HUB: SIM_HUB,
            CONF_USERNAME: sim.username,
            CONF_PASSWORD: sim.password,
        }
    data[const.CONF_GATEWAY_ID] = gateway_id
    return MockConfigEntry(
        domain=const.DOMAIN,
        unique_id=gateway_id,
        title="Simulated gateway",
        data=data,
    )


def _core_harness(stack: ExitStack, hass: HomeAssistant, sim: GatewaySimulator) -> None:
    """What core's overkiz needs around it here, its own code left as installed.

    Its cloud hub is looked up in pyoverkiz's server table, so the simulator gets
    an entry there. Its setup imports Rexel's OAuth client into application
    credentials, which needs Home Assistant's HTTP server: that import alone is
    skipped (no Rexel entry is measured) and the dependency marked as loaded.
    """
    servers = dict(SUPPORTED_SERVERS)
    servers[SIM_HUB] = sim.server_config
    stack.enter_context(
        patch("pyoverkiz.client.SUPPORTED_SERVERS", MappingProxyType(servers))
    )
    stack.enter_context(
        patch(
            "homeassistant.components.overkiz.async_import_client_credential",
            return_value=None,
        )
    )
    hass.config.components.add("application_credentials")


async def run(dump: Path, mode: Mode, side: str, urls: list[str]) -> Census:
    """Set one integration up on the dump, in a Home Assistant of its own.

    Core's overkiz takes every gateway of the account in one entry; ours takes
    one entry per gateway, as a user adds them.
    """
    errors = _ErrorLog()
    root = logging.getLogger()
    async with GatewaySimulator(house=dump, mode=mode, speed=100) as sim:
        with ExitStack() as stack:
            async with home_assistant() as hass:
                if side == CORE:
                    _core_harness(stack, hass, sim)
                    entries = [core_entry(sim)]
                else:
                    servers = {**SUPPORTED_SERVERS, SIM_HUB: sim.server_config}
                    stack.enter_context(
                        patch.object(
                            our_client, "SUPPORTED_SERVERS", MappingProxyType(servers)
                        )
                    )
                    entries = [our_entry(sim, g) for g in sim.core.gateways]
                root.addHandler(errors)
                try:
                    for entry in entries:
                        entry.add_to_hass(hass)
                        await hass.config_entries.async_setup(entry.entry_id)
                        await hass.async_block_till_done()
                finally:
                    root.removeHandler(errors)
                result = census(hass, entries, urls)
    result.errors = errors.lines
    return result


async def measure(dump: Path, mode: Mode, labels: dict[str, str]) -> DumpResult:
    """Core's overkiz and ours on one dump (``labels``: its user-facing devices)."""
    urls = sorted(labels, key=len, reverse=True)
    core = await run(dump, mode, CORE, urls)
    ours = await run(dump, mode, OURS, urls)
    return DumpResult(dump.stem.removeprefix("setup_"), mode, labels, core, ours)


def write_doc(text: str) -> None:
    """docs/parity.md: how it was measured, then the report."""
    DOC.parent.mkdir(exist_ok=True)
    DOC.write_text(
        "\n".join(
            [
                "# Parity with Home Assistant core's overkiz",
                "",
                "Written by `scripts/parity`; do not edit by hand. Each real gateway"
                " dump of `../shared/fixtures/overkiz/` is served by the simulator"
                " (on the local API, or the dump's own, see each heading); core's"
                " `overkiz` (the installed Home Assistant package, unchanged) and"
                " Overkiz Batch (default options) are each set up on it in a Home"
                " Assistant of their own, and their entity registries are counted."
                " Gateways and protocol stacks (ProtocolGateway, Pod) are not"
                f" user-facing devices. Measured {time.strftime('%Y-%m-%d')}.",
                "",
                text,
                "",
            ]
        ),
        encoding="utf-8",
    )


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    """Read the command line."""
    parser = argparse.ArgumentParser(prog="scripts/parity", description=__doc__)
    parser.add_argument("dumps", nargs="*", help="only dumps whose name has this")
    parser.add_argument(
        "--no-write", action="store_true", help="print only; keep docs/ as it is"
    )
    parser.add_argument(
        "--api",
        choices=("auto", "local", "dump"),
        default="auto",
        help="API the dumps replay on (see dump_mode)",
    )
    parser.add_argument(
        "--check",
        action="store_true",
        help="exit 1 when we expose fewer devices or enable fewer entities",
    )
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    """Measure every dump (or the ones named), print, write docs/parity.md."""
    args = parse_args(argv)
    # Errors are kept per run (_ErrorLog) and reported, not printed as they come.
    logging.basicConfig(level=logging.ERROR, handlers=[logging.NullHandler()])
    dumps = sorted(DUMPS.glob("setup_*.json")) if DUMPS.is_dir() else []
    if args.dumps:
        dumps = [d for d in dumps if any(part in d.stem for part in args.dumps)]
    if not dumps:
        print(f"no gateway dumps in {DUMPS}: nothing to measure")
        return 0
    results = []
    for dump in dumps:
        began = time.monotonic()
        labels = user_facing(json.loads(dump.read_text(encoding="utf-8")))
        results.append(asyncio.run(measure(dump, dump_mode(dump, args.api), labels)))
        print(f"  {dump.stem}: {time.monotonic() - began:.1f} s", file=sys.stderr)
    text = report(results)
    print(text)
    if not args.no_write and not args.dumps:
        write_doc(text)
        print(f"wrote {DOC.relative_to(ROOT)}")
    short = any(r.missing() or r.short_platforms() for r in results)
    return 1 if args.check and short else 0


if __name__ == "__main__":
    sys.exit(main())
