"""Bad input: out-of-range options, bad service data, unknown devices and commands,
and a gateway whose setup holds malformed devices.

Each gets a clear translated error (or the bad part is skipped) and the
integration keeps working: a command issued afterwards runs exactly once.
"""

from __future__ import annotations

import asyncio
import copy
import json
import logging
import math
from pathlib import Path
from typing import Any

from homeassistant.components.cover import (
    DOMAIN as COVER_DOMAIN,
    SERVICE_CLOSE_COVER,
    SERVICE_SET_COVER_POSITION,
)
from homeassistant.config_entries import ConfigEntryState
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType
from homeassistant.exceptions import HomeAssistantError, ServiceValidationError
from homeassistant.helpers import device_registry as dr
import probatio
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.overkiz_batch.const import (
    CONF_MAX_ACTIONS,
    CONF_QUEUE_DELAY,
    CONF_REFRESH_THROTTLE,
    DOMAIN,
    SERVICE_EXECUTE_COMMAND,
)
from custom_components.overkiz_batch.coordinator import OverkizBatchCoordinator
from custom_components.overkiz_batch.options_flow import validate_options
from simulator import GatewaySimulator, shutters_house
from tests.gateway_setup import (
    FAST_OPTIONS,
    SimFactory,
    entity_ids_of,
    start_gateway,
)

pytestmark = pytest.mark.usefixtures("socket_enabled")

TRANSLATIONS = json.loads(
    (
        Path(__file__).resolve().parents[1]
        / "custom_components/overkiz_batch/translations/en.json"
    ).read_text(encoding="utf-8")
)
VALID_OPTIONS = FAST_OPTIONS


@pytest.fixture
async def gateway(
    hass: HomeAssistant, make_sim: SimFactory, monkeypatch: pytest.MonkeyPatch
) -> Any:
    """Three shutters, loaded; unloaded at the end."""
    gw = await start_gateway(
        hass, make_sim, monkeypatch, house=shutters_house(3), options=VALID_OPTIONS
    )
    sim, entry = gw.sim, gw.entry
    assert entry.state is ConfigEntryState.LOADED
    yield sim, entry
    if entry.state is ConfigEntryState.LOADED:
        await hass.config_entries.async_unload(entry.entry_id)
        await hass.async_block_till_done()


def covers_of(entry: MockConfigEntry) -> dict[str, str]:
    """Device URL -> cover entity id."""
    hass = entry.runtime_data.hass
    return {url: entity_id for entity_id, url in entity_ids_of(hass, "cover").items()}


def ran(sim: GatewaySimulator, url: str, command: str) -> int:
    return sum(
        1 for name, _ in sim.stats.device_commands.get(url, []) if name == command
    )


async def still_works(hass: HomeAssistant, sim: GatewaySimulator, url: str) -> None:
    """A close through Home Assistant runs exactly once on the device."""
    entity_id = next(
        eid for eid, device in entity_ids_of(hass, "cover").items() if device == url
    )
    before = ran(sim, url, "close")
    await hass.services.async_call(
        COVER_DOMAIN, SERVICE_CLOSE_COVER, {"entity_id": entity_id}, blocking=True
    )
    await hass.async_block_till_done()
    await sim.settle()
    assert ran(sim, url, "close") == before + 1


def assert_translated(err: HomeAssistantError) -> None:
    """Our error, with a message in en.json's exceptions."""
    assert err.translation_domain == DOMAIN, repr(err)
    assert err.translation_key in TRANSLATIONS["exceptions"], err.translation_key


# Options.


@pytest.mark.parametrize(
    ("option", "value", "error"),
    [
        (CONF_QUEUE_DELAY, -0.5, "queue_delay_out_of_range"),
        (CONF_QUEUE_DELAY, 10.5, "queue_delay_out_of_range"),
        (CONF_QUEUE_DELAY, math.nan, "queue_delay_out_of_range"),
        (CONF_MAX_ACTIONS, 0, "max_actions_out_of_range"),
        (CONF_MAX_ACTIONS, 51, "max_actions_out_of_range"),
        (CONF_MAX_ACTIONS, 2.5, "max_actions_out_of_range"),
        (CONF_REFRESH_THROTTLE, 0.5, "refresh_throttle_out_of_range"),
        (CONF_REFRESH_THROTTLE, 301, "refresh_throttle_out_of_range"),
        (CONF_REFRESH_THROTTLE, math.inf, "refresh_throttle_out_of_range"),
        # Not finite, negative or huge, for every option: the range error, no crash.
        *(
            (option, value, error)
            for option, error in [
                (CONF_QUEUE_DELAY, "queue_delay_out_of_range"),
                (CONF_MAX_ACTIONS, "max_actions_out_of_range"),
                (CONF_REFRESH_THROTTLE, "refresh_throttle_out_of_range"),
            ]
            for value in [math.inf, -math.inf, math.nan, -1, 1e308]
        ),
    ],
)
async def test_out_of_range_options(
    hass: HomeAssistant, gateway: Any, option: str, value: float, error: str
) -> None:
    sim, entry = gateway
    flow = await hass.config_entries.options.async_init(entry.entry_id)
    result = await hass.config_entries.options.async_configure(
        flow["flow_id"], user_input={**VALID_OPTIONS, option: value}
    )
    assert result["type"] is FlowResultType.FORM
    assert result["errors"] == {option: error}
    assert error in TRANSLATIONS["options"]["error"]
    assert dict(entry.options) == VALID_OPTIONS  # nothing stored
    # The form can be corrected in the same flow.
    result = await hass.config_entries.options.async_configure(
        flow["flow_id"], user_input={**VALID_OPTIONS, CONF_MAX_ACTIONS: 5}
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    await hass.async_block_till_done()
    assert entry.options[CONF_MAX_ACTIONS] == 5
    await still_works(hass, sim, sim.device_urls[0])


@pytest.mark.parametrize("value", [10**400, -(10**400), "20", True, None])
@pytest.mark.parametrize(
    ("option", "error"),
    [
        (CONF_QUEUE_DELAY, "queue_delay_out_of_range"),
        (CONF_MAX_ACTIONS, "max_actions_out_of_range"),
        (CONF_REFRESH_THROTTLE, "refresh_throttle_out_of_range"),
    ],
)
def test_validate_options_beyond_floats(option: str, error: str, value: object) -> None:
    """Values the form's number box refuses itself are still judged, not raised on."""
    assert validate_options({**VALID_OPTIONS, option: value}) == {option: error}


# Service data of the wrong type or range.


@pytest.mark.parametrize(
    "data",
    [
        {"command": "close"},  # no target
        {"command": "close", "device_url": "io://x/1", "entity_id": "cover.x"},
    ],
)
async def test_execute_command_needs_one_target(
    hass: HomeAssistant, gateway: Any, data: dict[str, Any]
) -> None:
    sim, _ = gateway
    with pytest.raises(ServiceValidationError) as err:
        await hass.services.async_call(
            DOMAIN, SERVICE_EXECUTE_COMMAND, data, blocking=True
        )
    assert_translated(err.value)
    assert err.value.translation_key == "one_target"
    assert sim.stats.calls["exec/apply"] == 0
    await still_works(hass, sim, sim.device_urls[0])


@pytest.mark.parametrize(
    "data",
    [
        {"command": {"name": "close"}},  # not a string
        {"command": ["close"]},
        {"parameters": [{1, 2}]},  # not a JSON value
        {"entity_id": "not an entity id"},
    ],
)
async def test_execute_command_data_of_wrong_type(
    hass: HomeAssistant, gateway: Any, data: dict[str, Any]
) -> None:
    sim, _ = gateway
    call = {"device_url": sim.device_urls[0], "command": "close", **data}
    if "entity_id" in data:
        del call["device_url"]
    with pytest.raises(probatio.Invalid):
        await hass.services.async_call(
            DOMAIN, SERVICE_EXECUTE_COMMAND, call, blocking=True
        )
    assert sim.stats.calls["exec/apply"] == 0
    await still_works(hass, sim, sim.device_urls[0])


@pytest.mark.parametrize("parameters", [[150], ["half"], [10, 20], [10**40]])
async def test_execute_command_parameters_out_of_range(
    hass: HomeAssistant, gateway: Any, parameters: list[Any]
) -> None:
    """The gateway would refuse them: refused before they are queued."""
    sim, _ = gateway
    url = sim.device_urls[0]
    with pytest.raises(HomeAssistantError) as err:
        await hass.services.async_call(
            DOMAIN,
            SERVICE_EXECUTE_COMMAND,
            {"device_url": url, "command": "setClosure", "parameters": parameters},
            blocking=True,
        )
    assert isinstance(err.value, ServiceValidationError)
    assert_translated(err.value)
    assert ran(sim, url, "setClosure") == 0
    assert sim.stats.calls["exec/apply"] == 0
    await still_works(hass, sim, url)


@pytest.mark.parametrize("position", [150, -1, "half"])
async def test_cover_position_out_of_range(
    hass: HomeAssistant, gateway: Any, position: Any
) -> None:
    sim, entry = gateway
    url = sim.device_urls[0]
    with pytest.raises((probatio.Invalid, ServiceValidationError)):
        await hass.services.async_call(
            COVER_DOMAIN,
            SERVICE_SET_COVER_POSITION,
            {"entity_id": covers_of(entry)[url], "position": position},
            blocking=True,
        )
    assert sim.stats.calls["exec/apply"] == 0
    await still_works(hass, sim, url)


# Unknown devices and commands.


@pytest.mark.parametrize(
    ("target", "key"),
    [
        ({"device_url": "io://0000-0000-0000/404"}, "unknown_device"),
        ({"entity_id": "cover.not_ours"}, "unknown_entity"),
    ],
)
async def test_unknown_target(
    hass: HomeAssistant, gateway: Any, target: dict[str, str], key: str
) -> None:
    sim, _ = gateway
    with pytest.raises(ServiceValidationError) as err:
        await hass.services.async_call(
            DOMAIN,
            SERVICE_EXECUTE_COMMAND,
            {**target, "command": "close"},
            blocking=True,
        )
    assert_translated(err.value)
    assert err.value.translation_key == key
    assert sim.stats.calls["exec/apply"] == 0
    await still_works(hass, sim, sim.device_urls[0])


async def test_device_id_of_another_integration(
    hass: HomeAssistant, gateway: Any
) -> None:
    sim, _ = gateway
    other = MockConfigEntry(domain="other")
    other.add_to_hass(hass)
    device = dr.async_get(hass).async_get_or_create(
        config_entry_id=other.entry_id, identifiers={("other", "lamp")}
    )
    with pytest.raises(ServiceValidationError) as err:
        await hass.services.async_call(
            DOMAIN,
            SERVICE_EXECUTE_COMMAND,
            {"device_id": device.id, "command": "close"},
            blocking=True,
        )
    assert_translated(err.value)
    assert err.value.translation_key == "unknown_device"
    await still_works(hass, sim, sim.device_urls[0])


async def test_unknown_command(hass: HomeAssistant, gateway: Any) -> None:
    sim, entry = gateway
    url = sim.device_urls[0]
    with pytest.raises(HomeAssistantError) as err:
        await hass.services.async_call(
            DOMAIN,
            SERVICE_EXECUTE_COMMAND,
            {"entity_id": covers_of(entry)[url], "command": "fly"},
            blocking=True,
        )
    assert_translated(err.value)
    assert err.value.translation_key == "unknown_command"
    await still_works(hass, sim, url)


async def test_device_just_removed(hass: HomeAssistant, gateway: Any) -> None:
    """The gateway dropped the device, its entity is not gone yet: a clear error.

    (Home Assistant's own services skip the entity, unavailable by then.)
    """
    sim, entry = gateway
    url = sim.device_urls[0]
    entity_id = covers_of(entry)[url]
    coordinator: OverkizBatchCoordinator = entry.runtime_data
    del coordinator.data[url]  # as a poll does, before the entity is removed

    with pytest.raises(ServiceValidationError) as err:
        await hass.services.async_call(
            DOMAIN,
            SERVICE_EXECUTE_COMMAND,
            {"entity_id": entity_id, "command": "close"},
            blocking=True,
        )
    assert_translated(err.value)
    assert err.value.translation_key == "unknown_device"
    assert sim.stats.calls["exec/apply"] == 0
    await still_works(hass, sim, sim.device_urls[1])


@pytest.mark.parametrize(
    ("command", "parameters", "key"),
    [
        ("fly", [], "unknown_command"),
        ("setClosure", [], "missing_parameters"),
    ],
)
@pytest.mark.parametrize("target", ["entity_id", "device_url"])
async def test_command_refused_before_batching(
    hass: HomeAssistant,
    gateway: Any,
    target: str,
    command: str,
    parameters: list[Any],
    key: str,
) -> None:
    """Checked against the device's definition: nothing reaches the gateway."""
    sim, entry = gateway
    url = sim.device_urls[0]
    target_value = covers_of(entry)[url] if target == "entity_id" else url
    with pytest.raises(ServiceValidationError) as err:
        await hass.services.async_call(
            DOMAIN,
            SERVICE_EXECUTE_COMMAND,
            {target: target_value, "command": command, "parameters": parameters},
            blocking=True,
        )
    assert_translated(err.value)
    assert err.value.translation_key == key
    assert sim.stats.calls["exec/apply"] == 0
    await still_works(hass, sim, url)


async def test_unknown_command_spares_its_batch(
    hass: HomeAssistant, gateway: Any
) -> None:
    """A bad command among good ones (one window) fails alone."""
    sim, entry = gateway
    covers = covers_of(entry)
    bad, *good = sim.device_urls

    async def execute(url: str, command: str) -> None:
        await hass.services.async_call(
            DOMAIN,
            SERVICE_EXECUTE_COMMAND,
            {"entity_id": covers[url], "command": command},
            blocking=True,
        )

    results = await asyncio.gather(
        execute(bad, "fly"),
        *(execute(url, "close") for url in good),
        return_exceptions=True,
    )
    await sim.settle()
    assert isinstance(results[0], HomeAssistantError)
    assert results[1:] == [None] * len(good)
    assert [ran(sim, url, "close") for url in good] == [1] * len(good)


# A gateway whose setup holds malformed devices.


def broken_house() -> dict[str, Any]:
    """Two good shutters and devices broken in the ways a setup can be."""
    house = shutters_house(6)
    devices = house["devices"]
    devices[2]["definition"] = None  # no definition at all
    devices[3]["states"] = [{"name": "core:ClosureState", "type": 1, "value": "abc"}]
    del devices[4]["controllableName"]
    devices[5]["definition"]["commands"] = []  # nothing it can do
    devices.append({"label": "no url", "definition": {}})
    bad_state = copy.deepcopy(devices[0])
    bad_state["deviceURL"] = devices[0]["deviceURL"].replace("100001", "199999")
    bad_state["states"] = None
    devices.append(bad_state)
    return house


async def test_setup_with_malformed_devices(
    hass: HomeAssistant,
    make_sim: SimFactory,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Good devices work; a broken one is skipped with one warning, or shown as
    well as its data allows; nothing logs an error."""
    caplog.set_level(logging.WARNING)
    gw = await start_gateway(
        hass, make_sim, monkeypatch, house=broken_house(), options=VALID_OPTIONS
    )
    sim, entry = gw.sim, gw.entry
    try:
        assert entry.state is ConfigEntryState.LOADED
        urls = sim.device_urls
        good, skipped = urls[:2], [urls[2], urls[4]]  # no definition, no model
        covers = covers_of(entry)
        assert set(good) <= set(covers)
        assert not set(skipped) & set(covers)
        assert urls[5] not in covers  # no commands: nothing to offer
        # Unreadable or missing states: shown, position unknown.
        for url in (urls[3], urls[-1]):
            state = hass.states.get(covers[url])
            assert state is not None
            assert state.attributes.get("current_position") is None
        for url in urls:
            number = url.rsplit("/", 1)[1]  # URLs are obfuscated in logs
            mentions = [r for r in caplog.records if number in r.getMessage()]
            assert len(mentions) == (1 if url in skipped else 0), mentions
        assert not [r for r in caplog.records if r.levelno >= logging.ERROR]
        for url in good:
            await still_works(hass, sim, url)
        # A definition listing no commands tells nothing: the gateway judges.
        applied = sim.stats.calls["exec/apply"]
        with pytest.raises(HomeAssistantError) as err:
            await hass.services.async_call(
                DOMAIN,
                SERVICE_EXECUTE_COMMAND,
                {"device_url": urls[5], "command": "close"},
                blocking=True,
            )
        assert err.value.translation_key == "command_refused"
        assert sim.stats.calls["exec/apply"] == applied + 1
    finally:
        await hass.config_entries.async_unload(entry.entry_id)
        await hass.async_block_till_done()
