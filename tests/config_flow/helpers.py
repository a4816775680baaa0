"""Inputs, entries and checks the config flow tests share."""

from __future__ import annotations

from importlib.metadata import version
import json
from pathlib import Path
import re
import socket
from typing import Any

from homeassistant.config_entries import (
    SOURCE_USER,
    ConfigFlowResult,
)
from homeassistant.const import (
    CONF_HOST,
    CONF_PASSWORD,
    CONF_TOKEN,
    CONF_USERNAME,
    CONF_VERIFY_SSL,
)
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType
from packaging.version import Version
import probatio
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.overkiz_batch import config_flow
from custom_components.overkiz_batch.const import (
    API_TYPE_CLOUD,
    API_TYPE_LOCAL,
    CONF_GATEWAY_ID,
    CONF_HUB,
    DOMAIN,
)
from simulator import GatewaySimulator
from tests.gateway_setup import (
    cloud_entry_data,
    local_entry_data,
)

CLOUD_HUB = "flexom"  # a cloud-only hub with the plain session login
LOCAL_HUB = "somfy_europe"  # a hub whose gateways also have the local API
COZYTOUCH_HUB = "atlantic_cozytouch"
OTHER_GATEWAY = "9999-9999-9999"

# pyoverkiz before 2.3 turns every refused cloud login into BadCredentialsError.
LOGIN_ERRORS_PARSED = Version(version("pyoverkiz")) >= Version("2.3")


TRANSLATIONS = json.loads(
    (Path(config_flow.__file__).parent / "translations" / "en.json").read_text()
)
PLACEHOLDER = re.compile(r"{(\w+)}")


def assert_translated(section: str, result: Any) -> None:
    """Every step, field, menu option, error and abort shown has its text in en.json.

    And every placeholder those texts use is filled in by the flow.
    """
    strings = TRANSLATIONS[section]
    texts: list[str] = []
    match result["type"]:
        case FlowResultType.FORM:
            step = strings["step"][result["step_id"]]
            fields = {str(key.schema) for key in result["data_schema"].schema}
            assert fields <= set(step["data"])
            texts += [step.get("description", "")]
            texts += [step.get("data_description", {}).get(f, "") for f in fields]
            errors = (result["errors"] or {}).values()
            texts += [strings["error"][error] for error in errors]
        case FlowResultType.MENU:
            step = strings["step"][result["step_id"]]
            assert set(result["menu_options"]) <= set(step["menu_options"])
        case FlowResultType.ABORT if "translation_domain" not in result:
            texts += [strings["abort"][result["reason"]]]
    used = {name for text in texts for name in PLACEHOLDER.findall(text)}
    assert used <= set(result.get("description_placeholders") or {})


def closed_port() -> int:
    """A local port nothing listens on: connecting to it is refused."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def cloud_input(sim: GatewaySimulator, **changes: Any) -> dict[str, Any]:
    return {CONF_USERNAME: sim.username, CONF_PASSWORD: sim.password} | changes


def local_input(sim: GatewaySimulator, **changes: Any) -> dict[str, Any]:
    return {
        CONF_HOST: sim.host,
        CONF_TOKEN: sim.token,
        CONF_VERIFY_SSL: False,
    } | changes


def cloud_entry(sim: GatewaySimulator, **changes: Any) -> MockConfigEntry:
    data = cloud_entry_data(sim, CLOUD_HUB) | changes
    return MockConfigEntry(
        domain=DOMAIN, unique_id=data[CONF_GATEWAY_ID], data=data, title="cloud"
    )


def local_entry(sim: GatewaySimulator, **changes: Any) -> MockConfigEntry:
    data = local_entry_data(sim) | changes
    return MockConfigEntry(
        domain=DOMAIN, unique_id=data[CONF_GATEWAY_ID], data=data, title="local"
    )


def form_values(result: Any) -> dict[str, Any]:
    """The values a form opens with: suggested values, then defaults."""
    values: dict[str, Any] = {}
    for key in result["data_schema"].schema:
        if key.default is not probatio.UNDEFINED:
            values[key.schema] = key.default()
        if "suggested_value" in (key.description or {}):
            values[key.schema] = key.description["suggested_value"]
    return values


def form_defaults(result: Any) -> dict[str, Any]:
    """The values a form opens with, by field (fields without one left out)."""
    return {
        key.schema: key.default()
        for key in result["data_schema"].schema
        if key.default is not probatio.UNDEFINED
    }


async def start(hass: HomeAssistant, hub: str) -> ConfigFlowResult:
    """Open a user flow and pick the hub."""
    result = await hass.config_entries.flow.async_init(
        DOMAIN, context={"source": SOURCE_USER}
    )
    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == "user"
    return await hass.config_entries.flow.async_configure(
        result["flow_id"], {CONF_HUB: hub}
    )


async def start_local(hass: HomeAssistant) -> ConfigFlowResult:
    result = await start(hass, LOCAL_HUB)
    assert result["type"] is FlowResultType.MENU
    assert result["menu_options"] == [API_TYPE_LOCAL, API_TYPE_CLOUD]
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {"next_step_id": API_TYPE_LOCAL}
    )
    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == "local"
    return result
