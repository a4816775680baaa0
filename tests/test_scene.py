"""Scenes: the account's scenarios, run at most once through the gateway's queue."""

from __future__ import annotations

import asyncio
from typing import Any

from homeassistant.components.cover import DOMAIN as COVER_DOMAIN, SERVICE_OPEN_COVER
from homeassistant.components.scene import DOMAIN as SCENE_DOMAIN
from homeassistant.config_entries import ConfigEntryState
from homeassistant.const import SERVICE_TURN_ON, STATE_UNAVAILABLE
from homeassistant.core import Event, HomeAssistant
from homeassistant.exceptions import HomeAssistantError, ServiceValidationError
from homeassistant.helpers import entity_registry as er
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.overkiz_batch import scenarios
from custom_components.overkiz_batch.const import (
    CONF_GATEWAY_ID,
    CONF_QUEUE_DELAY,
    DOMAIN,
    EVENT_EXECUTION_FAILED,
)
from custom_components.overkiz_batch.coordinator import OverkizBatchCoordinator
from simulator import GatewaySimulator
from simulator.houses import DEFAULT_GATEWAY_ID as GW, default_house, gateway, on_off
from simulator.scenarios import scenario
from tests.gateway_setup import (
    CLOUD_HUB,
    SimFactory,
    cloud_entry_data,
    coordinator_of,
    poll,
    setup_entry,
    start_gateway,
)

pytestmark = pytest.mark.usefixtures("socket_enabled", "no_retry_waits")

CLOSE_ALL = "5c1e4a2b-0001-4000-8000-00000000a001"
GOOD_MORNING = "5c1e4a2b-0002-4000-8000-00000000a002"
LEAVING = "5c1e4a2b-0003-4000-8000-00000000a003"
SCENE_CLOSE_ALL = "scene.close_every_shutter"
SCENE_LEAVING = "scene.leaving_home"
SHUTTERS = [f"io://{GW}/{1001 + n}" for n in range(12)]


async def start(
    hass: HomeAssistant,
    make_sim: SimFactory,
    monkeypatch: pytest.MonkeyPatch,
    **kwargs: Any,
) -> tuple[GatewaySimulator, OverkizBatchCoordinator]:
    """A cloud gateway (scenarios need the cloud) unless told otherwise."""
    kwargs.setdefault("mode", "cloud")
    gw = await start_gateway(hass, make_sim, monkeypatch, **kwargs)
    return gw.sim, gw.coordinator


async def activate(hass: HomeAssistant, entity_id: str) -> None:
    await hass.services.async_call(
        SCENE_DOMAIN, SERVICE_TURN_ON, {"entity_id": entity_id}, blocking=True
    )


def cover(hass: HomeAssistant, url: str) -> str:
    """The cover's entity id (on the cloud its room's area prefixes it)."""
    entity_id = er.async_get(hass).async_get_entity_id(COVER_DOMAIN, DOMAIN, url)
    assert entity_id is not None, url
    return entity_id


def ran(sim: GatewaySimulator, url: str) -> list[str]:
    return [name for name, _ in sim.stats.device_commands.get(url, [])]


async def test_one_scene_per_scenario(
    hass: HomeAssistant,
    make_sim: SimFactory,
    monkeypatch: pytest.MonkeyPatch,
    entity_registry: er.EntityRegistry,
) -> None:
    await start(hass, make_sim, monkeypatch)
    scenes = {
        e.unique_id: e.entity_id
        for e in entity_registry.entities.values()
        if e.domain == SCENE_DOMAIN
    }
    assert scenes == {
        CLOSE_ALL: SCENE_CLOSE_ALL,
        GOOD_MORNING: "scene.good_morning",
        LEAVING: SCENE_LEAVING,
    }


async def test_activation_runs_the_scenario_once(
    hass: HomeAssistant, make_sim: SimFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    sim, coordinator = await start(hass, make_sim, monkeypatch)
    await activate(hass, SCENE_CLOSE_ALL)
    assert coordinator.executions  # followed until it ends
    await sim.settle()
    await poll(hass, coordinator)

    assert sim.stats.calls["exec/{oid}"] == 1
    assert all(ran(sim, url) == ["close"] for url in SHUTTERS)
    assert not coordinator.executions
    state = hass.states.get(SCENE_CLOSE_ALL)
    assert state is not None
    assert state.state != "unknown"


async def test_a_scene_waits_behind_the_queued_commands(
    hass: HomeAssistant, make_sim: SimFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Per-device order holds: a queued open runs before the scenario's close."""
    sim, _ = await start(hass, make_sim, monkeypatch, options={"queue_delay": 5.0})
    entity_id = cover(hass, SHUTTERS[0])
    opening = hass.async_create_task(
        hass.services.async_call(
            COVER_DOMAIN, SERVICE_OPEN_COVER, {"entity_id": entity_id}, blocking=True
        )
    )
    await asyncio.sleep(0)
    await activate(hass, SCENE_CLOSE_ALL)
    await opening
    await sim.settle()
    assert ran(sim, SHUTTERS[0]) == ["open", "close"]


class FakeSleep:
    """The scenarios' wait before looking again: recorded, not waited."""

    def __init__(self) -> None:
        self.waits: list[float] = []

    async def __call__(self, seconds: float) -> None:
        self.waits.append(seconds)


def no_waits(monkeypatch: pytest.MonkeyPatch) -> FakeSleep:
    monkeypatch.setattr(scenarios, "sleep", sleep := FakeSleep())
    return sleep


async def test_back_pressure_is_retried(
    hass: HomeAssistant, make_sim: SimFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The queue retries a busy gateway as for batches (its own backoff)."""
    sim, _ = await start(hass, make_sim, monkeypatch)
    sim.fail("exec/{oid}", "EXEC_QUEUE_FULL", count=2)
    await activate(hass, SCENE_CLOSE_ALL)
    await sim.settle()
    assert sim.stats.calls["exec/{oid}"] == 3
    assert sim.stats.executions_accepted == 1
    assert ran(sim, SHUTTERS[5]) == ["close"]


@pytest.mark.parametrize("after", [True, False], ids=["answer lost", "request lost"])
async def test_a_lost_answer_does_not_run_it_twice(
    hass: HomeAssistant,
    make_sim: SimFactory,
    monkeypatch: pytest.MonkeyPatch,
    after: bool,
) -> None:
    """Found by what the gateway reports for the scenario; sent again only if absent."""
    sim, coordinator = await start(hass, make_sim, monkeypatch, speed=1)
    no_waits(monkeypatch)
    await activate(hass, SCENE_CLOSE_ALL)  # an earlier run: not taken for this one
    sim.drop("exec/{oid}", after=after)
    await activate(hass, SCENE_CLOSE_ALL)
    await sim.settle()

    assert sim.stats.executions_accepted == 2
    assert sim.stats.calls["exec/{oid}"] == 2 if after else 3
    tracked = {e.exec_id for e in coordinator.executions.values()}
    assert tracked == {e.id for e in list(sim.core.history)[:2]}


async def test_an_answer_lost_after_the_scenario_ended_is_found_in_history(
    hass: HomeAssistant, make_sim: SimFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Instant devices: gone from exec/current by the lookup, but in the history."""
    sim, coordinator = await start(
        hass, make_sim, monkeypatch, travel_time=0, command_delay=0
    )
    sleep = no_waits(monkeypatch)
    sim.drop("exec/{oid}", after=True)
    await activate(hass, SCENE_CLOSE_ALL)

    assert sim.stats.calls["exec/{oid}"] == 1
    assert sim.stats.calls["history/executions"] == 1
    assert sleep.waits == [1.0]  # looked again before the history
    tracked = {e.exec_id for e in coordinator.executions.values()}
    assert tracked == {sim.core.history[0].id}


async def test_an_unreadable_answer_of_a_scenario_not_run_is_an_error(
    hass: HomeAssistant, make_sim: SimFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    sim, _ = await start(hass, make_sim, monkeypatch)
    sim.fail("exec/{oid}", "MALFORMED_JSON")
    with pytest.raises(HomeAssistantError) as err:
        await activate(hass, SCENE_CLOSE_ALL)
    assert err.value.translation_key == "unreadable_answer"
    assert sim.stats.calls["exec/{oid}"] == 1
    assert sim.stats.executions_accepted == 0


async def test_outcome_unknown_is_not_resent(
    hass: HomeAssistant, make_sim: SimFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    sim, _ = await start(hass, make_sim, monkeypatch)
    sim.drop("exec/{oid}", after=True)
    sim.fail("exec/current", "SERVER_ERROR_500")
    with pytest.raises(HomeAssistantError) as err:
        await activate(hass, SCENE_CLOSE_ALL)
    assert err.value.translation_key == "outcome_unknown"
    await sim.settle()
    assert sim.stats.calls["exec/{oid}"] == 1
    assert ran(sim, SHUTTERS[0]) == ["close"]


async def test_a_refusal_is_translated(
    hass: HomeAssistant, make_sim: SimFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    sim, _ = await start(hass, make_sim, monkeypatch)
    sim.scenarios.remove(LEAVING)  # deleted, and its event not seen yet
    with pytest.raises(HomeAssistantError) as err:
        await activate(hass, SCENE_LEAVING)
    assert err.value.translation_key == "execution_failed"


async def test_failure_event_names_the_scene(
    hass: HomeAssistant, make_sim: SimFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A device of the scenario told something else meanwhile: CMDCANCELLED."""
    sim, coordinator = await start(hass, make_sim, monkeypatch, speed=1)
    events: list[Event] = []
    hass.bus.async_listen(EVENT_EXECUTION_FAILED, events.append)
    await activate(hass, SCENE_LEAVING)
    await hass.services.async_call(
        COVER_DOMAIN,
        SERVICE_OPEN_COVER,
        {"entity_id": cover(hass, SHUTTERS[0])},
        blocking=True,
    )
    await sim.settle()
    await poll(hass, coordinator)

    assert [(e.data["entity_id"], e.data["device_url"]) for e in events] == [
        (SCENE_LEAVING, SHUTTERS[0])
    ]
    assert events[0].data["command"] == "close"
    assert events[0].data["failure_type"] == "CMDCANCELLED"


async def test_scenes_follow_the_app(
    hass: HomeAssistant,
    make_sim: SimFactory,
    monkeypatch: pytest.MonkeyPatch,
    entity_registry: er.EntityRegistry,
) -> None:
    """Deleted in the app: the scene goes; added: it comes; renamed: it follows."""
    sim, coordinator = await start(hass, make_sim, monkeypatch)
    sim.remove_scenario(CLOSE_ALL)
    sim.add_scenario(scenario("new-oid", None, [(SHUTTERS[0], "open", [])]))
    await poll(hass, coordinator)

    assert hass.states.get(SCENE_CLOSE_ALL) is None
    assert (
        entity_registry.async_get_entity_id(SCENE_DOMAIN, "overkiz_batch", CLOSE_ALL)
        is None
    )
    unnamed = entity_registry.async_get_entity_id(
        SCENE_DOMAIN, "overkiz_batch", "new-oid"
    )
    assert unnamed == "scene.scenario_new_oid"

    sim.add_scenario(scenario("new-oid", "Open one", [(SHUTTERS[0], "open", [])]))
    await poll(hass, coordinator)
    state = hass.states.get(unnamed)
    assert state is not None
    assert state.name == "Open one"
    await activate(hass, unnamed)
    await sim.settle()
    assert ran(sim, SHUTTERS[0]) == ["open"]


@pytest.mark.parametrize(
    ("error", "logged"), [("MAINTENANCE", False), ("MALFORMED_JSON", True)]
)
async def test_scenarios_unread_at_setup_come_at_a_later_poll(
    hass: HomeAssistant,
    make_sim: SimFactory,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
    error: str,
    logged: bool,
) -> None:
    """Setup does not fail; an unexpected answer is logged once, not every poll."""
    sim = await make_sim(house="default", mode="cloud")
    sim.fail("actionGroups", error, count=2)
    entry = await setup_entry(hass, sim, monkeypatch)
    assert entry.state is ConfigEntryState.LOADED
    assert hass.states.get(SCENE_CLOSE_ALL) is None
    await poll(hass, coordinator_of(entry))
    assert hass.states.get(SCENE_CLOSE_ALL) is None
    await poll(hass, coordinator_of(entry))
    assert hass.states.get(SCENE_CLOSE_ALL) is not None
    errors = [r for r in caplog.records if "reading the scenarios" in r.getMessage()]
    assert len(errors) == (1 if logged else 0)


async def test_a_scene_is_unavailable_while_the_gateway_is_down(
    hass: HomeAssistant, make_sim: SimFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    sim, coordinator = await start(hass, make_sim, monkeypatch)
    sim.go_down()
    await poll(hass, coordinator)
    state = hass.states.get(SCENE_CLOSE_ALL)
    assert state is not None
    assert state.state == STATE_UNAVAILABLE


async def test_the_local_api_has_no_scenes(
    hass: HomeAssistant, make_sim: SimFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Developer mode lists scenarios but does not run them: no scene, setup works."""
    sim, coordinator = await start(hass, make_sim, monkeypatch, mode="local")
    assert coordinator.config_entry.state is ConfigEntryState.LOADED
    assert hass.states.async_entity_ids(SCENE_DOMAIN) == []
    assert sim.stats.calls["actionGroups"] == 0
    with pytest.raises(ServiceValidationError):
        await coordinator.scenarios.async_run(CLOSE_ALL)


async def test_a_scenario_gone_before_its_scene_is_a_clear_error(
    hass: HomeAssistant, make_sim: SimFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Deleted between the last read and the activation (the scene goes next)."""
    sim, coordinator = await start(hass, make_sim, monkeypatch)
    del coordinator.scenarios.by_oid[CLOSE_ALL]
    with pytest.raises(ServiceValidationError) as err:
        await activate(hass, SCENE_CLOSE_ALL)
    assert err.value.translation_key == "unknown_scenario"
    assert sim.stats.calls["exec/{oid}"] == 0


async def test_an_account_with_two_gateways_shows_each_scenario_once(
    hass: HomeAssistant,
    make_sim: SimFactory,
    monkeypatch: pytest.MonkeyPatch,
    entity_registry: er.EntityRegistry,
) -> None:
    """Each scenario is a scene of the gateway of its first device."""
    other = "2222-2222-2222"
    house = default_house()
    house["gateways"].append(gateway(other))
    house["devices"].append(on_off(f"io://{other}/3001", "Barn lights"))
    house["actionGroups"] += [
        scenario("barn", "Barn on", [(f"io://{other}/3001", "on", [])]),
        scenario("empty", "Nothing yet", []),
    ]
    sim = await make_sim(house=house, mode="cloud")
    await setup_entry(hass, sim, monkeypatch)
    second = MockConfigEntry(
        domain=DOMAIN,
        unique_id=other,
        data=cloud_entry_data(sim, CLOUD_HUB) | {CONF_GATEWAY_ID: other},
        options={CONF_QUEUE_DELAY: 0.0},
    )
    second.add_to_hass(hass)
    assert await hass.config_entries.async_setup(second.entry_id)
    await hass.async_block_till_done()

    by_entry: dict[str, set[str]] = {}
    for registered in entity_registry.entities.values():
        if registered.domain == SCENE_DOMAIN:
            by_entry.setdefault(str(registered.config_entry_id), set()).add(
                str(registered.unique_id)
            )
    assert by_entry.pop(second.entry_id) == {"barn"}
    assert list(by_entry.values()) == [{CLOSE_ALL, GOOD_MORNING, LEAVING, "empty"}]
