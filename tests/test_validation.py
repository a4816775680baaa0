"""Bad commands are refused before they are queued: their batch-mates still run."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import Any

from homeassistant.components.cover import DOMAIN as COVER_DOMAIN, SERVICE_CLOSE_COVER
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError, ServiceValidationError
from pyoverkiz.models import Command, Device
import pytest

from custom_components.overkiz_batch import commands, jobs
from custom_components.overkiz_batch.const import (
    CONF_QUEUE_DELAY,
    DOMAIN,
    SERVICE_EXECUTE_COMMAND,
)
from custom_components.overkiz_batch.validation import check_command
from simulator import GatewaySimulator
from tests.gateway_setup import coordinator_of, entity_ids_of, setup_entry

TRANSLATIONS = Path(__file__).resolve().parents[1] / (
    f"custom_components/{DOMAIN}/translations/en.json"
)
BAD = [
    ([150], "parameter_out_of_range"),
    ([-1], "parameter_out_of_range"),
    (["half"], "parameter_out_of_range"),
    ([50.5], "parameter_out_of_range"),
    ([True], "parameter_out_of_range"),
    ([50, 20], "too_many_parameters"),
    ([10**40], "unreadable_parameter"),
    ([float("nan")], "unreadable_parameter"),
    ([[float("inf")]], "unreadable_parameter"),
    ([{"a": 2**64}], "unreadable_parameter"),
]


@pytest.fixture
def device(sim: GatewaySimulator, hass: HomeAssistant) -> Device:
    """The first shutter as pyoverkiz reads it."""
    from pyoverkiz.converter import converter  # noqa: PLC0415

    return converter.structure(
        next(d for d in sim.core.house["devices"] if d["deviceURL"].endswith("/1001")),
        Device,
    )


@pytest.mark.parametrize(("parameters", "key"), BAD)
def test_bad_parameters_are_refused(
    device: Device, parameters: list[Any], key: str
) -> None:
    with pytest.raises(ServiceValidationError) as err:
        check_command(device, Command(name="setClosure", parameters=parameters))
    assert err.value.translation_key == key
    messages = json.loads(TRANSLATIONS.read_text())["exceptions"]
    assert messages[key]["message"].format(**(err.value.translation_placeholders or {}))


@pytest.mark.parametrize("parameters", [[0], [100], [37]])
def test_good_parameters_pass(device: Device, parameters: list[Any]) -> None:
    check_command(device, Command(name="setClosure", parameters=parameters))
    check_command(device, Command(name="open"))


@pytest.mark.usefixtures("socket_enabled")
@pytest.mark.parametrize(("parameters", "key"), BAD[:1] + BAD[2:3] + BAD[5:7])
async def test_one_bad_command_leaves_its_batch_mates_alone(
    hass: HomeAssistant,
    sim: GatewaySimulator,
    monkeypatch: pytest.MonkeyPatch,
    parameters: list[Any],
    key: str,
) -> None:
    """Five closes and one bad setClosure in one window: the five run."""
    entry = await setup_entry(hass, sim, monkeypatch, **{CONF_QUEUE_DELAY: 0.2})
    urls = [f"io://{sim.gateway_id}/{1001 + n}" for n in range(6)]
    by_url = {u: e for e, u in entity_ids_of(hass, COVER_DOMAIN).items()}
    closes = [
        hass.services.async_call(
            COVER_DOMAIN, SERVICE_CLOSE_COVER, {"entity_id": by_url[u]}, blocking=True
        )
        for u in urls[:5]
    ]
    bad = hass.services.async_call(
        DOMAIN,
        SERVICE_EXECUTE_COMMAND,
        {"device_url": urls[5], "command": "setClosure", "parameters": parameters},
        blocking=True,
    )

    *ok, refused = await asyncio.gather(*closes, bad, return_exceptions=True)

    assert ok == [None] * 5
    assert isinstance(refused, ServiceValidationError)
    assert refused.translation_key == key
    await coordinator_of(entry).commands.flush_action_queue()
    await sim.settle()
    assert sim.stats.calls["exec/apply"] == 1
    for url in urls[:5]:
        assert sim.stats.device_commands[url] == [("close", [])]
    assert urls[5] not in sim.stats.device_commands


@pytest.mark.usefixtures("socket_enabled")
async def test_raw_commands_are_rate_limited_per_gateway(
    hass: HomeAssistant,
    sim: GatewaySimulator,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A runaway automation cannot hammer the gateway with execute_command."""
    now = 1000.0
    monkeypatch.setattr(jobs, "_now", lambda: now)
    await setup_entry(hass, sim, monkeypatch)
    url = f"io://{sim.gateway_id}/1001"

    async def execute() -> None:
        await hass.services.async_call(
            DOMAIN,
            SERVICE_EXECUTE_COMMAND,
            {"device_url": url, "command": "setClosure", "parameters": [50]},
            blocking=True,
        )

    for _ in range(commands.RAW_COMMANDS_MAX):
        await execute()
    with pytest.raises(HomeAssistantError) as err:
        await execute()
    assert err.value.translation_key == "too_many_commands"
    assert sim.stats.calls["exec/apply"] == commands.RAW_COMMANDS_MAX

    now += commands.RAW_COMMANDS_PERIOD.total_seconds()
    await execute()  # the period slid on
    assert sim.stats.calls["exec/apply"] == commands.RAW_COMMANDS_MAX + 1
