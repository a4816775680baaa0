"""Bad input: unknown devices and commands,
and a gateway whose setup holds malformed devices.

Each gets a clear translated error (or the bad part is skipped) and the
integration keeps working: a command issued afterwards runs exactly once.
"""

from __future__ import annotations

import asyncio
import copy
import logging
from typing import Any

from homeassistant.config_entries import ConfigEntryState
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError, ServiceValidationError
from homeassistant.helpers import device_registry as dr
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.overkiz_batch.const import DOMAIN, SERVICE_EXECUTE_COMMAND
from custom_components.overkiz_batch.coordinator import OverkizBatchCoordinator
from simulator import shutters_house
from tests.bad_input_helpers import (
    VALID_OPTIONS,
    assert_translated,
    covers_of,
    ran,
    still_works,
)
from tests.gateway_setup import SimFactory, start_gateway

pytestmark = pytest.mark.usefixtures("socket_enabled")


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
