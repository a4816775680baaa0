"""The base entity: job guard, queue, translated errors, throttled refresh."""

from __future__ import annotations

import asyncio
from collections.abc import Coroutine
from typing import Any

from homeassistant.config_entries import SOURCE_REAUTH
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError
from pyoverkiz.models import Command
import pytest

from custom_components.overkiz_batch import jobs
from custom_components.overkiz_batch.const import (
    BUSY_MODE_QUEUE,
    BUSY_MODE_REJECT,
    CONF_BUSY_MODE,
    CONF_QUEUE_DELAY,
    CONF_REFRESH_THROTTLE,
    DOMAIN,
)
from simulator import GatewaySimulator
from tests.gateway_setup import SimFactory, add_probes, poll, setup_entry, state_of

REFRESH = "setup/devices/states/refresh"


def started(
    hass: HomeAssistant, command: Coroutine[Any, Any, str]
) -> asyncio.Task[str]:
    """Start a command now: it runs until it waits (for the guard or its batch)."""
    task = hass.async_create_task(command, eager_start=True)
    assert not task.done()
    return task


async def test_entity_describes_its_device(
    hass: HomeAssistant, sim: GatewaySimulator, monkeypatch: pytest.MonkeyPatch
) -> None:
    entry = await setup_entry(hass, sim, monkeypatch)
    (probe,) = await add_probes(hass, entry, 1)
    url = f"io://{sim.gateway_id}/1001"

    assert probe.unique_id == url
    assert probe.has_entity_name
    assert probe.device_info is not None
    assert probe.device_info["identifiers"] == {(DOMAIN, url)}
    assert (
        dict(probe.device_info)["via_device_id"]
        == probe.coordinator.devices.gateway_device_id
    )
    assert probe.job_group is probe.coordinator.job_group
    assert probe.available


async def test_reject_mode_refuses_a_command_while_one_is_in_flight(
    hass: HomeAssistant, sim: GatewaySimulator, monkeypatch: pytest.MonkeyPatch
) -> None:
    entry = await setup_entry(
        hass,
        sim,
        monkeypatch,
        **{CONF_QUEUE_DELAY: 5.0, CONF_BUSY_MODE: BUSY_MODE_REJECT},
    )
    (probe,) = await add_probes(hass, entry, 1)
    first = started(hass, probe.async_execute("close"))

    with pytest.raises(HomeAssistantError) as err:
        await probe.async_execute("open")
    assert err.value.translation_key == "device_busy"
    # A stop is never held back: it goes at once, right after the close's batch.
    stop = started(hass, probe.async_execute("stop"))

    assert await first != await stop
    await sim.settle()
    url = probe.device_url
    assert sim.stats.device_commands[url] == [("close", []), ("stop", [])]
    # Accepted by the gateway: the entity takes commands again.
    await probe.coordinator.commands.flush_action_queue()
    assert await asyncio.gather(
        probe.async_execute("open"), probe.coordinator.commands.flush_action_queue()
    )


async def test_queue_mode_runs_commands_in_order_in_later_batches(
    hass: HomeAssistant, sim: GatewaySimulator, monkeypatch: pytest.MonkeyPatch
) -> None:
    entry = await setup_entry(
        hass,
        sim,
        monkeypatch,
        **{CONF_QUEUE_DELAY: 0.0, CONF_BUSY_MODE: BUSY_MODE_QUEUE},
    )
    (probe,) = await add_probes(hass, entry, 1)

    first, second = await asyncio.gather(
        probe.async_execute("close"),
        probe.async_execute(Command(name="setClosure", parameters=[30])),
    )

    assert first != second
    assert sim.stats.calls["exec/apply"] == 2
    await sim.settle()
    assert sim.stats.device_commands[probe.device_url] == [
        ("close", []),
        ("setClosure", [30]),
    ]


async def test_stop_goes_out_on_its_own_right_after_the_move(
    hass: HomeAssistant, sim: GatewaySimulator, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A stop merged after a close (``[close, stop]``) would do nothing."""
    entry = await setup_entry(hass, sim, monkeypatch, **{CONF_QUEUE_DELAY: 5.0})
    probe, other = await add_probes(hass, entry, 1, 2)
    close = started(hass, probe.async_execute("close"))

    stop_id = await probe.async_execute("stop")

    # The stop did not wait for the 5 s window: the close went first, then the
    # stop as an execution of its own that cancels the close's move.
    close_id = await close
    assert close_id != stop_id
    assert sim.stats.calls["exec/apply"] == 2
    # A command issued afterwards opens a new batch: it does not join the stop's.
    later = started(hass, other.async_execute("open"))
    assert probe.coordinator.commands.get_pending_actions_count() == 1
    await probe.coordinator.commands.flush_action_queue()
    assert await later not in (close_id, stop_id)
    await sim.settle()
    assert sim.stats.device_commands[probe.device_url] == [("close", []), ("stop", [])]


async def test_command_waiting_for_the_guard_gives_up_after_a_stop(
    hass: HomeAssistant, sim: GatewaySimulator, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Released after the stop, it would move the shutter again."""
    entry = await setup_entry(
        hass,
        sim,
        monkeypatch,
        **{CONF_QUEUE_DELAY: 5.0, CONF_BUSY_MODE: BUSY_MODE_QUEUE},
    )
    (probe,) = await add_probes(hass, entry, 1)
    close = started(hass, probe.async_execute("close"))
    waiting = started(
        hass, probe.async_execute(Command(name="setClosure", parameters=[50]))
    )

    await probe.async_execute("stop")

    assert await close
    with pytest.raises(HomeAssistantError) as err:
        await waiting
    assert err.value.translation_domain == DOMAIN
    assert err.value.translation_key == "superseded_by_stop"
    # A command issued after the stop runs as usual.
    await asyncio.gather(
        probe.async_execute("open"), probe.coordinator.commands.flush_action_queue()
    )
    await sim.settle()
    assert sim.stats.device_commands[probe.device_url] == [
        ("close", []),
        ("stop", []),
        ("open", []),
    ]


async def test_busy_mode_is_read_at_each_call(
    hass: HomeAssistant, sim: GatewaySimulator, monkeypatch: pytest.MonkeyPatch
) -> None:
    entry = await setup_entry(hass, sim, monkeypatch, **{CONF_QUEUE_DELAY: 5.0})
    (probe,) = await add_probes(hass, entry, 1)
    hass.config_entries.async_update_entry(
        entry, options={**entry.options, CONF_BUSY_MODE: BUSY_MODE_REJECT}
    )
    await hass.async_block_till_done()
    first = started(hass, probe.async_execute("close"))

    with pytest.raises(HomeAssistantError, match="busy"):
        await probe.async_execute("open")
    await probe.coordinator.commands.flush_action_queue()
    assert await first


@pytest.mark.parametrize(
    ("error", "key"),
    [
        ("TOO_MANY_REQUESTS", "rate_limited"),
        ("NO_SUCH_COMMAND", "command_refused"),
        ("MAINTENANCE", "gateway_unavailable"),
        ("SERVER_ERROR_500", "gateway_unavailable"),
        ("UNKNOWN_OBJECT", "execution_failed"),
    ],
)
@pytest.mark.usefixtures("no_retry_waits")
async def test_refused_command_raises_translated_error(
    hass: HomeAssistant,
    sim: GatewaySimulator,
    monkeypatch: pytest.MonkeyPatch,
    error: str,
    key: str,
) -> None:
    entry = await setup_entry(hass, sim, monkeypatch)
    (probe,) = await add_probes(hass, entry, 1)
    sim.fail("exec/apply", error, count=5)

    with pytest.raises(HomeAssistantError) as err:
        await probe.async_execute("close")
    assert err.value.translation_key == key
    assert err.value.translation_domain == DOMAIN
    # Nothing is left in flight: the next command goes through.
    sim.clear_faults()
    assert await probe.async_execute("close")


async def test_refused_credentials_start_reauth(
    hass: HomeAssistant, sim: GatewaySimulator, monkeypatch: pytest.MonkeyPatch
) -> None:
    entry = await setup_entry(hass, sim, monkeypatch)
    (probe,) = await add_probes(hass, entry, 1)
    sim.revoke_token()

    with pytest.raises(HomeAssistantError) as err:
        await probe.async_execute("close")
    assert err.value.translation_key == "authentication_failed"
    await hass.async_block_till_done()
    flows = hass.config_entries.flow.async_progress_by_handler(DOMAIN)
    assert [f["context"]["source"] for f in flows] == [SOURCE_REAUTH]


async def test_updates_cost_one_refresh_per_throttle_period(
    hass: HomeAssistant, sim: GatewaySimulator, monkeypatch: pytest.MonkeyPatch
) -> None:
    """100 update_entity calls on several entities: one gateway refresh."""
    now = 1000.0
    monkeypatch.setattr(jobs, "_now", lambda: now)
    entry = await setup_entry(hass, sim, monkeypatch, **{CONF_REFRESH_THROTTLE: 30.0})
    probes = await add_probes(hass, entry, 1, 2, 3, 4, 5)

    await asyncio.gather(*(probes[i % 5].async_update() for i in range(100)))
    assert sim.stats.calls[REFRESH] == 1

    now += 29.0
    await asyncio.gather(*(p.async_update() for p in probes))
    assert sim.stats.calls[REFRESH] == 1
    now += 1.0
    await asyncio.gather(*(p.async_update() for p in probes))
    assert sim.stats.calls[REFRESH] == 2

    # The period comes from the options, read at each call.
    hass.config_entries.async_update_entry(
        entry, options={**entry.options, CONF_REFRESH_THROTTLE: 5.0}
    )
    now += 5.0
    await probes[0].async_update()
    assert sim.stats.calls[REFRESH] == 3


@pytest.mark.usefixtures("no_retry_waits")
async def test_failed_refresh_raises_translated_error(
    hass: HomeAssistant, sim: GatewaySimulator, monkeypatch: pytest.MonkeyPatch
) -> None:
    entry = await setup_entry(hass, sim, monkeypatch)
    (probe,) = await add_probes(hass, entry, 1)
    sim.fail(REFRESH, "TOO_MANY_REQUESTS")

    with pytest.raises(HomeAssistantError) as err:
        await probe.async_update()
    assert err.value.translation_key == "rate_limited"


async def test_availability_follows_gateway_and_device(
    hass: HomeAssistant, make_sim: SimFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    sim = await make_sim(mode="cloud")
    entry = await setup_entry(hass, sim, monkeypatch)
    (probe,) = await add_probes(hass, entry, 1)
    coordinator = probe.coordinator
    assert state_of(hass, probe.entity_id) != "unavailable"

    sim.go_down()  # the cloud answers, and reports the gateway down
    await poll(hass, coordinator)
    assert state_of(hass, probe.entity_id) == "unavailable"
    sim.go_up()
    await poll(hass, coordinator)
    assert state_of(hass, probe.entity_id) != "unavailable"

    sim.core.emit({"name": "DeviceUnavailableEvent", "deviceURL": probe.device_url})
    await poll(hass, coordinator)
    assert not probe.available
    coordinator.data.pop(probe.device_url)
    assert not probe.available


@pytest.mark.usefixtures("no_retry_waits")
async def test_unavailable_while_local_gateway_is_unreachable(
    hass: HomeAssistant, sim: GatewaySimulator, monkeypatch: pytest.MonkeyPatch
) -> None:
    entry = await setup_entry(hass, sim, monkeypatch)
    (probe,) = await add_probes(hass, entry, 1)

    sim.go_down()  # every call is dropped
    await poll(hass, probe.coordinator)
    assert state_of(hass, probe.entity_id) == "unavailable"
    sim.go_up()
    await poll(hass, probe.coordinator)
    assert state_of(hass, probe.entity_id) != "unavailable"
