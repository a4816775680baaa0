"""Home Assistant's own overkiz on the simulator, and the take-over driven like a user.

overkiz runs unchanged from the installed homeassistant package; the tests add
areas, names and automations to its entities, then take the gateway over.
"""

from __future__ import annotations

import json
from pathlib import Path
import re
from typing import TYPE_CHECKING, Any

from homeassistant.config_entries import SOURCE_USER
from homeassistant.const import CONF_HOST, CONF_TOKEN, CONF_VERIFY_SSL
from homeassistant.data_entry_flow import FlowResultType
from homeassistant.helpers import entity_registry as er
from homeassistant.setup import async_setup_component
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.overkiz_batch.const import (
    API_TYPE_LOCAL,
    CONF_API_TYPE,
    CONF_GATEWAY_ID,
    CONF_HUB,
    DOMAIN,
)
from custom_components.overkiz_batch.takeover import CORE_DOMAIN
from tests.gateway_setup import FAST_OPTIONS, LOCAL_HUB

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
PLACEHOLDER = re.compile(r"{(\w+)}")


def assert_translated(step: dict[str, Any], result: Any) -> None:
    """The result's step or abort reason is in en.json, its placeholders given."""
    if result["type"] is FlowResultType.ABORT:
        assert result["reason"] in step["abort"]
        return
    text = step["step"][result["step_id"]]["description"]
    used = set(PLACEHOLDER.findall(text))
    assert used <= set(result["description_placeholders"] or {})


async def setup_core(hass: HomeAssistant, sim: GatewaySimulator) -> MockConfigEntry:
    """Set overkiz up on the simulator's local API, as its own flow would."""
    core = MockConfigEntry(
        domain=CORE_DOMAIN,
        version=1,
        minor_version=2,
        unique_id=sim.gateway_id,
        title="TaHoma",
        data={
            CONF_HOST: sim.host,
            CONF_TOKEN: sim.token,
            CONF_VERIFY_SSL: False,
            CONF_HUB: LOCAL_HUB,
            CONF_API_TYPE: API_TYPE_LOCAL,
        },
    )
    core.add_to_hass(hass)
    assert await hass.config_entries.async_setup(core.entry_id)
    await hass.async_block_till_done()
    return core


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


async def take_over(
    hass: HomeAssistant, sim: GatewaySimulator, gateway_id: str | None = None
) -> ConfigEntry:
    """Take the gateway over through the config flow; return our new entry."""
    result = await start_take_over(hass, sim, gateway_id)
    assert result["step_id"] in ("take_over", "take_over_account")
    assert_translated(TRANSLATIONS["config"], result)
    result = await hass.config_entries.flow.async_configure(result["flow_id"], {})
    assert result["type"] is FlowResultType.CREATE_ENTRY
    await hass.async_block_till_done()
    entry: ConfigEntry = result["result"]
    # Batch on the next loop turn rather than after the default window.
    hass.config_entries.async_update_entry(entry, options=FAST_OPTIONS)
    await hass.async_block_till_done()
    return entry


async def add_automation(
    hass: HomeAssistant, event: str, actions: list[dict[str, Any]]
) -> None:
    """An automation running ``actions`` when ``event`` fires."""
    assert await async_setup_component(
        hass,
        "automation",
        {
            "automation": {
                "alias": event,
                "triggers": [{"trigger": "event", "event_type": event}],
                "actions": actions,
            }
        },
    )
    await hass.async_block_till_done()


def owned(hass: HomeAssistant, entry: ConfigEntry) -> dict[str, er.RegistryEntry]:
    """The entry's registry entries by entity id."""
    return {
        e.entity_id: e
        for e in er.async_entries_for_config_entry(er.async_get(hass), entry.entry_id)
    }
