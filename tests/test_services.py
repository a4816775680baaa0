"""Services flush_queue and execute_command, against the simulated gateway."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
import re

from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError, ServiceValidationError
from homeassistant.helpers import device_registry as dr
from pyoverkiz.models import Action, Command
import pytest
import yaml

from custom_components.overkiz_batch.const import (
    BUSY_MODE_REJECT,
    CONF_ADAPTIVE_SENDING,
    CONF_BUSY_MODE,
    CONF_QUEUE_DELAY,
    DOMAIN,
    SERVICE_EXECUTE_COMMAND,
    SERVICE_FLUSH_QUEUE,
    SERVICE_SET_COVER_POSITION_AND_TILT,
)
from simulator import GatewaySimulator
from simulator.houses import default_house
from tests.gateway_setup import SimFactory, add_probes, coordinator_of, setup_entry

INTEGRATION = Path(__file__).resolve().parents[1] / "custom_components" / DOMAIN


async def execute(hass: HomeAssistant, **data: object) -> dict[str, object]:
    response = await hass.services.async_call(
        DOMAIN, SERVICE_EXECUTE_COMMAND, data, blocking=True, return_response=True
    )
    assert response is not None
    return dict(response)


async def test_execute_command_on_entity_goes_through_its_guard(
    hass: HomeAssistant, sim: GatewaySimulator, monkeypatch: pytest.MonkeyPatch
) -> None:
    entry = await setup_entry(
        hass,
        sim,
        monkeypatch,
        **{CONF_QUEUE_DELAY: 5.0, CONF_BUSY_MODE: BUSY_MODE_REJECT},
    )
    (probe,) = await add_probes(hass, entry, 1)
    call = hass.async_create_task(
        execute(hass, entity_id=probe.entity_id, command="setClosure", parameters=[40]),
        eager_start=True,  # runs until it waits for its batch
    )
    assert not call.done()

    # The entity's command is in flight: reject mode refuses the next one.
    with pytest.raises(HomeAssistantError) as err:
        await execute(hass, entity_id=probe.entity_id, command="open")
    assert err.value.translation_key == "device_busy"

    await hass.services.async_call(DOMAIN, SERVICE_FLUSH_QUEUE, {}, blocking=True)
    response = await call
    assert set(response) == {"exec_id"}
    assert response["exec_id"] in coordinator_of(entry).executions
    await sim.settle()
    assert sim.stats.device_commands[probe.device_url] == [("setClosure", [40])]


async def test_execute_command_on_device(
    hass: HomeAssistant,
    sim: GatewaySimulator,
    monkeypatch: pytest.MonkeyPatch,
    device_registry: dr.DeviceRegistry,
) -> None:
    entry = await setup_entry(hass, sim, monkeypatch)
    by_url = f"io://{sim.gateway_id}/1002"
    by_id = f"io://{sim.gateway_id}/1003"
    device = device_registry.async_get_device_by_identifier(
        (DOMAIN, by_id), entry.entry_id
    )
    assert device is not None

    first = await execute(hass, device_url=by_url, command="close")
    second = await execute(
        hass, device_id=device.id, command="setClosure", parameters=7
    )

    assert first["exec_id"] != second["exec_id"]
    await sim.settle()
    assert sim.stats.device_commands[by_url] == [("close", [])]
    assert sim.stats.device_commands[by_id] == [("setClosure", [7])]


async def test_execute_command_on_several_targets_runs_once_per_device(
    hass: HomeAssistant,
    sim: GatewaySimulator,
    monkeypatch: pytest.MonkeyPatch,
    device_registry: dr.DeviceRegistry,
) -> None:
    """A device named twice (by itself and by an entity) runs the command once."""
    entry = await setup_entry(hass, sim, monkeypatch)
    probe, other = await add_probes(hass, entry, 1, 2)
    device = device_registry.async_get_device_by_identifier(
        (DOMAIN, probe.device_url), entry.entry_id
    )
    assert device is not None

    response = await execute(
        hass,
        entity_id=[probe.entity_id, other.entity_id],
        device_id=device.id,
        command="setClosure",
        parameters=[30],
    )

    exec_ids = response["exec_ids"]
    assert isinstance(exec_ids, dict)
    assert set(exec_ids) == {probe.device_url, other.device_url}
    assert len(set(exec_ids.values())) == 1  # issued together: one execution
    await sim.settle()
    for url in (probe.device_url, other.device_url):
        assert sim.stats.device_commands[url] == [("setClosure", [30])]


async def test_execute_command_refuses_all_targets_when_one_is_bad(
    hass: HomeAssistant, sim: GatewaySimulator, monkeypatch: pytest.MonkeyPatch
) -> None:
    entry = await setup_entry(hass, sim, monkeypatch)
    probe, light = await add_probes(hass, entry, 1, 2001)  # light: no close

    with pytest.raises(ServiceValidationError) as err:
        await execute(
            hass, entity_id=[probe.entity_id, light.entity_id], command="close"
        )
    assert err.value.translation_key == "unknown_command"
    assert sim.stats.calls["exec/apply"] == 0


async def test_execute_command_on_multi_part_device_targets_its_main_part(
    hass: HomeAssistant,
    sim: GatewaySimulator,
    monkeypatch: pytest.MonkeyPatch,
    device_registry: dr.DeviceRegistry,
) -> None:
    """The registry knows a heater by its base URL; its commands go to ``#1``."""
    entry = await setup_entry(hass, sim, monkeypatch)
    base = f"io://{sim.gateway_id}/4002"
    device = device_registry.async_get_device_by_identifier(
        (DOMAIN, base), entry.entry_id
    )
    assert device is not None

    response = await execute(
        hass, device_id=device.id, command="setTargetTemperature", parameters=21
    )

    assert response["exec_id"] in coordinator_of(entry).executions
    await sim.settle()
    assert sim.stats.device_commands[f"{base}#1"] == [("setTargetTemperature", [21])]
    assert f"{base}#2" not in sim.stats.device_commands


@pytest.mark.parametrize(
    ("data", "key"),
    [
        ({"command": "close"}, "no_target"),
        (
            {"entity_id": "lock.x", "device_url": "io://1/2", "command": "close"},
            "one_target",
        ),
        ({"entity_id": "cover.not_ours", "command": "close"}, "unknown_entity"),
        ({"device_url": "io://0000-0000-0000/1", "command": "close"}, "unknown_device"),
        ({"device_id": "no-such-device", "command": "close"}, "unknown_device"),
        ({"device_url": "", "command": "close"}, "empty_device_url"),
        ({"device_url": "  ", "command": "close"}, "empty_device_url"),
        ({"entity_id": "all", "command": "close"}, "no_target"),
        ({"area_id": "kitchen", "command": "close"}, "no_target"),
    ],
)
async def test_execute_command_validation(
    hass: HomeAssistant,
    sim: GatewaySimulator,
    monkeypatch: pytest.MonkeyPatch,
    data: dict[str, object],
    key: str,
) -> None:
    await setup_entry(hass, sim, monkeypatch)
    with pytest.raises(ServiceValidationError) as err:
        await execute(hass, **data)
    assert err.value.translation_domain == DOMAIN
    assert err.value.translation_key == key
    assert sim.stats.calls["exec/apply"] == 0


async def test_execute_command_on_gateway_device_is_refused(
    hass: HomeAssistant,
    sim: GatewaySimulator,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    entry = await setup_entry(hass, sim, monkeypatch)
    gateway = coordinator_of(entry).devices.gateway_device_id
    with pytest.raises(ServiceValidationError) as err:
        await execute(hass, device_id=gateway, command="close")
    assert err.value.translation_key == "unknown_device"


async def test_execute_command_on_device_the_gateway_no_longer_has(
    hass: HomeAssistant,
    sim: GatewaySimulator,
    monkeypatch: pytest.MonkeyPatch,
    device_registry: dr.DeviceRegistry,
) -> None:
    entry = await setup_entry(hass, sim, monkeypatch)
    gone = device_registry.async_get_or_create(
        config_entry_id=entry.entry_id,
        identifiers={(DOMAIN, f"io://{sim.gateway_id}/9999")},
    )
    with pytest.raises(ServiceValidationError) as err:
        await execute(hass, device_id=gone.id, command="close")
    assert err.value.translation_key == "unknown_device"
    assert sim.stats.calls["exec/apply"] == 0


@pytest.mark.usefixtures("no_retry_waits")
async def test_execute_command_gateway_error_is_translated(
    hass: HomeAssistant, sim: GatewaySimulator, monkeypatch: pytest.MonkeyPatch
) -> None:
    await setup_entry(hass, sim, monkeypatch)
    sim.fail("exec/apply", "TOO_MANY_REQUESTS", count=3)
    with pytest.raises(HomeAssistantError) as err:
        await execute(hass, device_url=f"io://{sim.gateway_id}/1001", command="close")
    assert err.value.translation_key == "rate_limited"


async def test_flush_queue_one_gateway_or_all(
    hass: HomeAssistant, make_sim: SimFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    sims = [
        await make_sim(),
        await make_sim(mode="cloud", house=default_house("2222-2222-2222")),
    ]
    plain_window = {CONF_QUEUE_DELAY: 60.0, CONF_ADAPTIVE_SENDING: False}
    entries = [await setup_entry(hass, s, monkeypatch, **plain_window) for s in sims]
    coordinators = [coordinator_of(e) for e in entries]

    def queue(index: int) -> asyncio.Future[str]:
        url = f"io://{sims[index].gateway_id}/1001"
        return asyncio.ensure_future(
            coordinators[index].commands.execute_action_group(
                [Action(device_url=url, commands=[Command(name="close")])]
            )
        )

    first = [queue(0), queue(1)]
    await asyncio.sleep(0)
    await hass.services.async_call(
        DOMAIN,
        SERVICE_FLUSH_QUEUE,
        {"config_entry_id": entries[0].entry_id},
        blocking=True,
    )
    assert first[0].done()
    assert not first[1].done()
    assert coordinators[1].commands.get_pending_actions_count() == 1

    second = queue(0)
    await asyncio.sleep(0)
    await hass.services.async_call(DOMAIN, SERVICE_FLUSH_QUEUE, {}, blocking=True)
    assert all(c.done() for c in (*first, second))
    assert [s.stats.calls["exec/apply"] for s in sims] == [2, 1]


async def test_flush_queue_unknown_entry(
    hass: HomeAssistant, sim: GatewaySimulator, monkeypatch: pytest.MonkeyPatch
) -> None:
    await setup_entry(hass, sim, monkeypatch)
    with pytest.raises(ServiceValidationError):
        await hass.services.async_call(
            DOMAIN, SERVICE_FLUSH_QUEUE, {"config_entry_id": "nope"}, blocking=True
        )


def test_services_are_described_and_translated() -> None:
    described = yaml.safe_load((INTEGRATION / "services.yaml").read_text())
    translations = json.loads((INTEGRATION / "translations" / "en.json").read_text())
    services = translations["services"]
    assert (
        set(described)
        == set(services)
        == {
            SERVICE_FLUSH_QUEUE,
            SERVICE_EXECUTE_COMMAND,
            SERVICE_SET_COVER_POSITION_AND_TILT,
        }
    )
    for name, service in described.items():
        assert set(service["fields"]) == set(services[name]["fields"])
        assert services[name]["name"]
        assert services[name]["description"]


def test_every_core_error_is_translated() -> None:
    """Each translation key the core raises has a message."""
    messages = json.loads((INTEGRATION / "translations" / "en.json").read_text())[
        "exceptions"
    ]
    used: set[str] = set()
    for source in (path.read_text() for path in INTEGRATION.glob("*.py")):
        used |= set(re.findall(r'DOMAIN,\s*translation_key="(\w+)"', source))
        used |= set(re.findall(r' key = "(\w+)"', source))
        used |= set(re.findall(r'validation_error\(\s*"(\w+)"', source))
    assert used
    assert used <= set(messages)
