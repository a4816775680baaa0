"""Home Assistant's own overkiz on the simulator, and the take-over driven like a user.

overkiz runs unchanged from the installed homeassistant package; the tests add
areas, names and automations to its entities, then take the gateway over.
"""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
import re
from typing import TYPE_CHECKING, Any

from homeassistant.components.repairs import repairs_flow_manager
from homeassistant.config_entries import SOURCE_USER
from homeassistant.const import (
    CONF_HOST,
    CONF_PASSWORD,
    CONF_TOKEN,
    CONF_USERNAME,
    CONF_VERIFY_SSL,
)
from homeassistant.data_entry_flow import FlowResultType
from homeassistant.helpers import entity_registry as er
from homeassistant.setup import async_setup_component
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.overkiz_batch.const import (
    API_TYPE_CLOUD,
    API_TYPE_LOCAL,
    CONF_API_TYPE,
    CONF_GATEWAY_ID,
    CONF_HUB,
    DOMAIN,
)
from custom_components.overkiz_batch.takeover import CORE_DOMAIN
from tests.gateway_setup import FAST_OPTIONS, LOCAL_HUB, register_hub

if TYPE_CHECKING:
    from homeassistant.config_entries import ConfigEntry
    from homeassistant.core import HomeAssistant

    from simulator import GatewaySimulator

TRANSLATIONS = json.loads(
    (
        Path(__file__).parents[1]
        / "custom_components/overkiz_batch/translations/en.json"
    ).read_text()
)
REPAIR_STRINGS = TRANSLATIONS["issues"]["coexistence"]["fix_flow"]
PLACEHOLDER = re.compile(r"{(\w+)}")
CLOUD_HUB = "flexom"  # a cloud-only hub with the plain session login


def assert_translated(step: dict[str, Any], result: Any) -> None:
    """The result's step or abort reason is in en.json, its placeholders given."""
    if result["type"] is FlowResultType.ABORT:
        assert result["reason"] in step["abort"]
        return
    text = step["step"][result["step_id"]]["description"]
    used = set(PLACEHOLDER.findall(text))
    assert used <= set(result["description_placeholders"] or {})


async def _add_core(
    hass: HomeAssistant, sim: GatewaySimulator, title: str, data: dict[str, Any]
) -> MockConfigEntry:
    """Add and set up an overkiz entry for the simulator, as its own flow would."""
    core = MockConfigEntry(
        domain=CORE_DOMAIN,
        version=1,
        minor_version=2,
        unique_id=sim.gateway_id,
        title=title,
        data=data,
    )
    core.add_to_hass(hass)
    assert await hass.config_entries.async_setup(core.entry_id)
    await hass.async_block_till_done()
    return core


async def setup_core(hass: HomeAssistant, sim: GatewaySimulator) -> MockConfigEntry:
    """Set overkiz up on the simulator's local API, as its own flow would."""
    return await _add_core(
        hass,
        sim,
        "TaHoma",
        {
            CONF_HOST: sim.host,
            CONF_TOKEN: sim.token,
            CONF_VERIFY_SSL: False,
            CONF_HUB: LOCAL_HUB,
            CONF_API_TYPE: API_TYPE_LOCAL,
        },
    )


async def start_take_over(
    hass: HomeAssistant, sim: GatewaySimulator, gateway_id: str | None = None
) -> Any:
    """Add the gateway (or another of the house) through our config flow.

    Goes up to the take-over step.
    """
    flow = hass.config_entries.flow
    result = await flow.async_init(DOMAIN, context={"source": SOURCE_USER})
    result = await flow.async_configure(result["flow_id"], {CONF_HUB: LOCAL_HUB})
    result = await flow.async_configure(result["flow_id"], {"next_step_id": "local"})
    result = await flow.async_configure(
        result["flow_id"],
        {CONF_HOST: sim.host, CONF_TOKEN: sim.token, CONF_VERIFY_SSL: False},
    )
    if result.get("step_id") == "gateway":  # an account with several gateways
        result = await flow.async_configure(
            result["flow_id"], {CONF_GATEWAY_ID: gateway_id or sim.gateway_id}
        )
    return result


async def confirm_take_over(hass: HomeAssistant, result: Any) -> ConfigEntry:
    """Confirm the take-over step a flow shows; return our new entry."""
    assert result["step_id"] in ("take_over", "take_over_account", "take_over_rest")
    assert_translated(TRANSLATIONS["config"], result)
    result = await hass.config_entries.flow.async_configure(result["flow_id"], {})
    assert result["type"] is FlowResultType.CREATE_ENTRY
    await hass.async_block_till_done()
    entry: ConfigEntry = result["result"]
    # Batch on the next loop turn rather than after the default window.
    hass.config_entries.async_update_entry(entry, options=FAST_OPTIONS)
    await hass.async_block_till_done()
    return entry


async def take_over(
    hass: HomeAssistant, sim: GatewaySimulator, gateway_id: str | None = None
) -> ConfigEntry:
    """Take the gateway over through the config flow; return our new entry."""
    return await confirm_take_over(hass, await start_take_over(hass, sim, gateway_id))


async def setup_core_cloud(
    hass: HomeAssistant, sim: GatewaySimulator, monkeypatch: pytest.MonkeyPatch
) -> MockConfigEntry:
    """Set overkiz up on the simulator's cloud account, as its own flow would.

    Its unique id is the account's first gateway; the hub is known to both.
    """
    register_hub(monkeypatch, CLOUD_HUB, sim.server_config)  # ours
    monkeypatch.setattr(  # overkiz's
        "pyoverkiz.client.SUPPORTED_SERVERS", {CLOUD_HUB: sim.server_config}
    )
    return await _add_core(
        hass,
        sim,
        "Cloud",
        {
            CONF_HUB: CLOUD_HUB,
            CONF_API_TYPE: API_TYPE_CLOUD,
            CONF_USERNAME: sim.username,
            CONF_PASSWORD: sim.password,
        },
    )


async def start_cloud_take_over(
    hass: HomeAssistant, sim: GatewaySimulator, gateway_id: str
) -> Any:
    """Add a gateway of the cloud account through our config flow."""
    flow = hass.config_entries.flow
    result = await flow.async_init(DOMAIN, context={"source": SOURCE_USER})
    result = await flow.async_configure(result["flow_id"], {CONF_HUB: CLOUD_HUB})
    result = await flow.async_configure(
        result["flow_id"],
        {CONF_USERNAME: sim.username, CONF_PASSWORD: sim.password},
    )
    if result.get("step_id") == "gateway":
        result = await flow.async_configure(
            result["flow_id"], {CONF_GATEWAY_ID: gateway_id}
        )
    return result


async def fix(hass: HomeAssistant, entry: ConfigEntry, *, confirm: bool) -> Any:
    """Run the coexistence issue's fix flow; confirm it or only look at its form."""
    assert await async_setup_component(hass, "repairs", {})
    manager = repairs_flow_manager(hass)
    assert manager is not None
    issue_id = f"coexistence_{entry.entry_id}"
    result = await manager.async_init(DOMAIN, data={"issue_id": issue_id})
    assert_translated(REPAIR_STRINGS, result)
    if confirm and result["type"] is FlowResultType.FORM:
        result = await manager.async_configure(result["flow_id"], {})
        await hass.async_block_till_done()
    return result


async def add_automation(
    hass: HomeAssistant, event: str, actions: list[dict[str, Any]]
) -> None:
    """An automation running ``actions`` when ``event`` fires."""
    await add_automations(hass, {event: actions})


async def add_automations(
    hass: HomeAssistant, automations: dict[str, list[dict[str, Any]]]
) -> None:
    """One automation per event, running its actions when the event fires."""
    assert await async_setup_component(
        hass,
        "automation",
        {
            "automation": [
                {
                    "alias": event,
                    "triggers": [{"trigger": "event", "event_type": event}],
                    "actions": actions,
                }
                for event, actions in automations.items()
            ]
        },
    )
    await hass.async_block_till_done()


async def wait_for_commands(
    sim: GatewaySimulator, urls: list[str], count: int = 1
) -> None:
    """Wait until each device ran ``count`` commands (overkiz's own queue waits)."""
    for _ in range(100):
        if all(len(sim.stats.device_commands.get(u, [])) >= count for u in urls):
            return
        await asyncio.sleep(0.05)
    pytest.fail(f"commands never reached {urls}: {dict(sim.stats.device_commands)}")


def entity_id(hass: HomeAssistant, domain: str, platform: str, unique_id: str) -> str:
    """The entity id registered for a unique id; it must be there."""
    found = er.async_get(hass).async_get_entity_id(domain, platform, unique_id)
    assert found is not None, unique_id
    return found


def kept(entry: er.RegistryEntry) -> tuple[object, ...]:
    """What a move must keep of a registry entry."""
    return (
        entry.disabled_by,
        entry.hidden_by,
        entry.area_id,
        entry.name,
        entry.icon,
        entry.labels,
        entry.device_id,
    )


def owned(hass: HomeAssistant, entry: ConfigEntry) -> dict[str, er.RegistryEntry]:
    """The entry's registry entries by entity id."""
    return {
        e.entity_id: e
        for e in er.async_entries_for_config_entry(er.async_get(hass), entry.entry_id)
    }
