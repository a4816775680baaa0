"""The demo's configuration (scripts/develop), headless: no browser, no HTTP server.

Home Assistant loads the very files the launcher writes into config/.storage (config
entry, owner, onboarding) and the auth provider of config/configuration.yaml, against
the simulator's default house. The launcher's process handling is checked on small
child processes.
"""

from __future__ import annotations

import asyncio
import importlib.util
from ipaddress import ip_address
import json
from pathlib import Path
import re
import shutil
import signal
import sys
from types import ModuleType
from typing import Any

from homeassistant.auth import auth_provider_from_config
from homeassistant.auth.auth_store import AuthStore
from homeassistant.components.cover import (
    DOMAIN as COVER_DOMAIN,
    SERVICE_CLOSE_COVER,
    CoverState,
)
from homeassistant.components.http.config import (
    ActiveConfigType,
    async_get_and_load_store,
    async_load_config,
)
from homeassistant.components.onboarding import async_is_onboarded
from homeassistant.config import load_yaml_config_file
from homeassistant.config_entries import ConfigEntry, ConfigEntryState
from homeassistant.const import ATTR_ENTITY_ID, ENTITY_MATCH_ALL, STATE_UNAVAILABLE
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType
from homeassistant.helpers import entity_registry as er
from homeassistant.setup import async_setup_component
from homeassistant.util.yaml import load_yaml_dict
import pytest

from custom_components.overkiz_batch.const import DOMAIN
from simulator import GatewaySimulator, default_house, load_house
from simulator.houses import with_gateway_id

CHECKOUT = Path(__file__).resolve().parents[1]
CONFIGURATION = CHECKOUT / "config" / "configuration.yaml"

# An entity row of a dashboard's entities card.
ENTITY_ROW = re.compile(r"^ +- ([a-z_]+\.[a-z0-9_]+)$", re.MULTILINE)
# What Home Assistant shows as a cover (the simulator's cover devices).
COVER_CLASSES = {"RollerShutter", "Awning", "ExteriorScreen"}


def _load_launcher() -> ModuleType:
    """scripts/lib/demo.py, the launcher behind scripts/develop (not a package)."""
    spec = importlib.util.spec_from_file_location(
        "overkiz_batch_demo", CHECKOUT / "scripts" / "lib" / "demo.py"
    )
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses resolve their module by name
    spec.loader.exec_module(module)
    return module


demo = _load_launcher()


def _stores(config_dir: Path) -> dict[str, Any]:
    """The launcher's .storage files, as Home Assistant's mocked storage holds them."""
    return {
        path.name: json.loads(path.read_text())
        for path in (config_dir / ".storage").iterdir()
    }


def _cover_urls() -> list[str]:
    return [
        device["deviceURL"]
        for device in default_house()["devices"]
        if device["definition"]["uiClass"] in COVER_CLASSES
    ]


@pytest.mark.usefixtures("socket_enabled")
async def test_demo_shows_the_default_house_and_closes_its_covers(
    hass: HomeAssistant, hass_storage: dict[str, Any], tmp_path: Path
) -> None:
    async with GatewaySimulator(
        house="default", mode="local", token="demo-test-token"
    ) as sim:
        demo.write_state(tmp_path, demo.entry_data(sim.host, sim.token, sim.gateway_id))
        hass_storage.update(_stores(tmp_path))
        # Home Assistant's own loader reads the entry the launcher wrote.
        await hass.config_entries.async_initialize()
        (entry,) = hass.config_entries.async_entries(DOMAIN)
        assert entry.unique_id == sim.gateway_id
        assert await hass.config_entries.async_setup(entry.entry_id)
        await hass.async_block_till_done()
        try:
            await _check_house_and_close_covers(hass, sim, entry)
        finally:  # unloaded while the gateway still answers
            assert await hass.config_entries.async_unload(entry.entry_id)


async def _check_house_and_close_covers(
    hass: HomeAssistant, sim: GatewaySimulator, entry: ConfigEntry
) -> None:
    """Every device of the house has its entities; "close all" reaches each cover."""
    assert entry.state is ConfigEntryState.LOADED

    registry = er.async_get(hass)
    covers = []
    for url in _cover_urls():
        entity_id = registry.async_get_entity_id(COVER_DOMAIN, DOMAIN, url)
        assert entity_id is not None, url
        state = hass.states.get(entity_id)
        assert state is not None
        assert state.state != STATE_UNAVAILABLE
        covers.append(entity_id)
    # Every device of the house has its entities (sub-devices such as a heater's
    # "#2" thermometer may only feed their parent's).
    ids = [
        e.unique_id for e in er.async_entries_for_config_entry(registry, entry.entry_id)
    ]
    for device in default_house()["devices"]:
        url = device["deviceURL"]
        if "#" not in url:
            assert any(i == url or i.startswith((f"{url}_", f"{url}-")) for i in ids), (
                url
            )

    # "Close all covers", as from the UI: every cover's command reaches the gateway.
    await hass.services.async_call(
        COVER_DOMAIN,
        SERVICE_CLOSE_COVER,
        {ATTR_ENTITY_ID: ENTITY_MATCH_ALL},
        blocking=True,
    )
    for url in _cover_urls():
        (command,) = sim.stats.device_commands[url]
        assert command[0] in {"close", "undeploy"}, (url, command)  # awning: undeploy
    # All in one action group: the gateway's execution limit is no problem.
    assert sim.stats.calls["exec/apply"] == 1

    await sim.settle()
    await entry.runtime_data.async_refresh()
    await hass.async_block_till_done()
    for entity_id in covers:
        state = hass.states.get(entity_id)
        assert state is not None
        if not state.attributes.get("assumed_state"):  # RTS reports nothing
            assert state.state == CoverState.CLOSED, entity_id


@pytest.mark.usefixtures("socket_enabled")
@pytest.mark.parametrize(
    ("house", "gateway_id"),
    [("default", None), ("default", "1234-5678-9012"), ("controls", None)],
)
async def test_dashboard_names_only_entities_of_the_house_it_runs(
    hass: HomeAssistant,
    hass_storage: dict[str, Any],
    tmp_path: Path,
    house: str,
    gateway_id: str | None,
) -> None:
    """The default house's own dashboard, any other house Home Assistant's."""
    lovelace = load_yaml_config_file(str(CONFIGURATION))["lovelace"]
    shown = tmp_path / lovelace["dashboards"]["demo-house"]["filename"]
    shutil.copytree(CONFIGURATION.parent / "dashboards", tmp_path / "dashboards")
    setup = load_house(house)
    if gateway_id:
        setup = with_gateway_id(setup, gateway_id)
    async with GatewaySimulator(house=setup, mode="local", token="t") as sim:
        demo.write_state(tmp_path, demo.entry_data(sim.host, sim.token, sim.gateway_id))
        demo.write_dashboard(tmp_path, house, sim.gateway_id)
        hass_storage.update(_stores(tmp_path))
        await hass.config_entries.async_initialize()
        (entry,) = hass.config_entries.async_entries(DOMAIN)
        assert await hass.config_entries.async_setup(entry.entry_id)
        await hass.async_block_till_done()
        try:
            dashboard = load_yaml_dict(str(shown))
            named = set(ENTITY_ROW.findall(shown.read_text()))
            assert named <= set(hass.states.async_entity_ids()), named
        finally:
            assert await hass.config_entries.async_unload(entry.entry_id)
    if house == "default":
        assert len(named) > 20  # every device, and the gateway's pending actions
        assert dashboard["views"][0]["title"] == "House"
    else:
        assert dashboard == {"strategy": {"type": "original-states"}}


async def test_demo_lets_this_machine_in_without_a_login(
    hass: HomeAssistant, hass_storage: dict[str, Any], tmp_path: Path
) -> None:
    demo.write_state(tmp_path, demo.entry_data("127.0.0.1:8443", "t", "gw"))
    hass_storage.update(_stores(tmp_path))

    store = AuthStore(hass)
    await store.async_load()
    (owner,) = await store.async_get_users()
    assert owner.is_owner
    assert owner.is_active
    assert owner.is_admin

    config = load_yaml_config_file(str(CONFIGURATION))
    (provider_config,) = config["homeassistant"]["auth_providers"]
    provider = await auth_provider_from_config(hass, store, provider_config)
    for address in ("127.0.0.1", "::1"):
        flow = await provider.async_login_flow({"ip_address": ip_address(address)})
        result = await flow.async_step_init()
        # No form to fill in: straight in as the owner.
        assert result["type"] is FlowResultType.CREATE_ENTRY
        assert result["data"] == {"user": owner.id}
    flow = await provider.async_login_flow({"ip_address": ip_address("192.0.2.7")})
    result = await flow.async_step_init()
    assert result["type"] is FlowResultType.ABORT

    assert await async_setup_component(hass, "onboarding", {})
    assert async_is_onboarded(hass)


async def test_demo_serves_this_machine_only(
    hass: HomeAssistant, hass_storage: dict[str, Any], tmp_path: Path
) -> None:
    demo.write_state(tmp_path, demo.entry_data("127.0.0.1:8443", "t", "gw"), 8124)
    hass_storage.update(_stores(tmp_path))

    # What the http integration starts with; no YAML (it is ignored there now).
    conf = await async_load_config(hass, {})
    assert conf["server_host"] == ["127.0.0.1"]
    assert conf["server_port"] == 8124
    store = await async_get_and_load_store(hass)
    # Stable settings: no "confirm the new HTTP settings" prompt, no revert.
    assert store.active_config_type is ActiveConfigType.STABLE
    assert store.revert_deadline is None
    assert "http" not in load_yaml_config_file(str(CONFIGURATION))


def test_state_is_rewritten_in_place(tmp_path: Path) -> None:
    """A second run keeps the owner and the entry, and follows a new port or token."""
    demo.write_state(tmp_path, demo.entry_data("127.0.0.1:8443", "old", "gw"))
    first = _stores(tmp_path)
    demo.write_state(tmp_path, demo.entry_data("127.0.0.1:9443", "new", "gw"))
    second = _stores(tmp_path)
    demo.write_state(tmp_path, demo.entry_data("127.0.0.1:9443", "new", "gw"), 8124)
    third = _stores(tmp_path)

    assert second["auth"] == first["auth"]
    (entry,) = second["core.config_entries"]["data"]["entries"]
    (old,) = first["core.config_entries"]["data"]["entries"]
    assert entry["entry_id"] == old["entry_id"]
    assert entry["data"]["host"] == entry["title"] == "127.0.0.1:9443"
    assert entry["data"]["token"] == "new"
    # Unchanged settings are left alone; a new port replaces them.
    assert second["http"] == first["http"]
    assert third["http"]["data"]["stable"]["server_port"] == 8124
    assert third["http"]["data"]["pending"] is None
    for path in (tmp_path / ".storage").iterdir():
        assert path.stat().st_mode & 0o077 == 0, path  # tokens stay private


async def _child(tmp_path: Path, code: str) -> Any:
    """Start a Python child through the launcher; return once its code runs."""
    marker = tmp_path / "started"
    marker.unlink(missing_ok=True)
    code = f"import pathlib; {code}; pathlib.Path({str(marker)!r}).touch(); "
    child = await demo.Child.start(
        "t", [sys.executable, "-c", code + "time.sleep(60)"], {}
    )
    async with asyncio.timeout(5):
        while not marker.exists():  # noqa: ASYNC110 - another process writes it
            await asyncio.sleep(0.01)
    return child


async def test_children_stop_and_a_stubborn_one_is_killed(tmp_path: Path) -> None:
    force = asyncio.Event()
    polite = await _child(tmp_path, "import time")
    await polite.stop(5, force)
    assert polite.process.returncode == -signal.SIGTERM

    stubborn = await _child(
        tmp_path, "import signal, time; signal.signal(signal.SIGTERM, signal.SIG_IGN)"
    )
    await stubborn.stop(0.2, force)
    assert stubborn.process.returncode == -signal.SIGKILL


def test_reset_keeps_only_the_checkouts_files(tmp_path: Path) -> None:
    (tmp_path / "configuration.yaml").write_text("homeassistant:\n")
    (tmp_path / "dashboards").mkdir()
    (tmp_path / "home-assistant_v2.db").write_text("")
    demo.write_state(tmp_path, demo.entry_data("127.0.0.1:8443", "t", "gw"))

    assert demo.reset(tmp_path) == [".storage", "home-assistant_v2.db"]
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "configuration.yaml",
        "dashboards",
    ]
    assert demo.reset(tmp_path / "absent") == []


def test_entry_is_titled_like_the_config_flow_does(tmp_path: Path) -> None:
    gateway = {"gatewayId": "1234-5678-9012", "type": 98}
    title = demo.gateway_title(gateway)
    assert title == "TaHoma Switch 9012"
    assert demo.gateway_title(gateway | {"type": -7}) == "Somfy gateway 9012"
    data = demo.entry_data("127.0.0.1:8443", "t", "1234-5678-9012")
    demo.write_state(tmp_path, data, title=title)
    (entry,) = _stores(tmp_path)["core.config_entries"]["data"]["entries"]
    assert entry["title"] == "TaHoma Switch 9012"


def test_command_line() -> None:
    options = demo.parse_args(
        ["--gateway-id", "1234-5678-9012", "--speed", "5", "--reset"]
    )
    assert (options.gateway_id, options.speed, options.reset) == (
        "1234-5678-9012",
        5.0,
        True,
    )
    defaults = demo.parse_args([])
    assert (defaults.port, defaults.sim_port, defaults.reset) == (8123, 8443, False)
