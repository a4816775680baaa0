"""The client factory and the options flow."""

from __future__ import annotations

from typing import Any

from homeassistant.config_entries import (
    ConfigEntry,
)
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.overkiz_batch import const
from custom_components.overkiz_batch.client import create_client
from custom_components.overkiz_batch.const import (
    CONF_BUSY_MODE,
    CONF_MAX_ACTIONS,
    CONF_QUEUE_DELAY,
    CONF_REFRESH_THROTTLE,
    DOMAIN,
)
from simulator import GatewaySimulator
from tests.config_flow.helpers import (
    cloud_entry,
    form_defaults,
    local_entry,
)

# The simulator listens on 127.0.0.1; pytest-socket still allows nothing else.
# pyoverkiz's retries (a refused connection is tried 3 times) do not wait, and
# "localhost" (the cloud simulator) is resolved on the test's own loop.
pytestmark = pytest.mark.usefixtures(
    "socket_enabled", "no_retry_waits", "resolver_on_test_loop"
)


# The client factory.


async def test_create_client_local_and_cloud(
    hass: HomeAssistant, local_sim: GatewaySimulator, cloud_sim: GatewaySimulator
) -> None:
    local = create_client(hass, local_entry(local_sim).data)
    cloud = create_client(hass, cloud_entry(cloud_sim).data)

    await local.login(register_event_listener=False)
    await cloud.login(register_event_listener=False)

    assert [g.id for g in await local.get_gateways()] == [local_sim.gateway_id]
    assert [g.id for g in await cloud.get_gateways()] == [cloud_sim.gateway_id]
    assert local.server_config.endpoint.startswith(f"https://{local_sim.host}/")
    assert local.server_config.api_type == "local"
    assert cloud.server_config.endpoint == cloud_sim.server_config.endpoint
    assert local.session is not cloud.session


# Options.


async def test_options_defaults_and_save(hass: HomeAssistant) -> None:
    entry = MockConfigEntry(domain=DOMAIN, data={}, unique_id="1234-5678-9012")
    entry.add_to_hass(hass)

    result = await hass.config_entries.options.async_init(entry.entry_id)
    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == "init"
    defaults = form_defaults(result)
    assert defaults == {
        CONF_QUEUE_DELAY: const.DEFAULT_QUEUE_DELAY,
        CONF_MAX_ACTIONS: const.DEFAULT_MAX_ACTIONS,
        const.CONF_ADAPTIVE_SENDING: True,
        CONF_BUSY_MODE: const.DEFAULT_BUSY_MODE,
        CONF_REFRESH_THROTTLE: const.DEFAULT_REFRESH_THROTTLE,
    }

    new = {
        CONF_QUEUE_DELAY: 1.5,
        CONF_MAX_ACTIONS: 7.0,  # the number box answers floats
        const.CONF_ADAPTIVE_SENDING: False,  # the plain fixed window
        CONF_BUSY_MODE: const.BUSY_MODE_REJECT,
        CONF_REFRESH_THROTTLE: 30.0,
    }
    result = await hass.config_entries.options.async_configure(result["flow_id"], new)

    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert entry.options == new | {CONF_MAX_ACTIONS: 7}
    assert isinstance(entry.options[CONF_MAX_ACTIONS], int)

    # The form opens again on the saved values.
    result = await hass.config_entries.options.async_init(entry.entry_id)
    defaults = form_defaults(result)
    assert defaults == new | {CONF_MAX_ACTIONS: 7}


@pytest.mark.parametrize(
    ("changes", "errors"),
    [
        ({CONF_QUEUE_DELAY: -0.1}, {CONF_QUEUE_DELAY: "queue_delay_out_of_range"}),
        ({CONF_QUEUE_DELAY: 10.5}, {CONF_QUEUE_DELAY: "queue_delay_out_of_range"}),
        ({CONF_MAX_ACTIONS: 0}, {CONF_MAX_ACTIONS: "max_actions_out_of_range"}),
        ({CONF_MAX_ACTIONS: 51}, {CONF_MAX_ACTIONS: "max_actions_out_of_range"}),
        ({CONF_MAX_ACTIONS: 2.5}, {CONF_MAX_ACTIONS: "max_actions_out_of_range"}),
        (
            {CONF_REFRESH_THROTTLE: 0.5},
            {CONF_REFRESH_THROTTLE: "refresh_throttle_out_of_range"},
        ),
        (
            {CONF_REFRESH_THROTTLE: 301},
            {CONF_REFRESH_THROTTLE: "refresh_throttle_out_of_range"},
        ),
        (
            {CONF_QUEUE_DELAY: 11, CONF_MAX_ACTIONS: 99},
            {
                CONF_QUEUE_DELAY: "queue_delay_out_of_range",
                CONF_MAX_ACTIONS: "max_actions_out_of_range",
            },
        ),
    ],
)
async def test_options_out_of_range(
    hass: HomeAssistant, changes: dict[str, Any], errors: dict[str, str]
) -> None:
    entry = MockConfigEntry(
        domain=DOMAIN, data={}, options={CONF_QUEUE_DELAY: 2.0}, unique_id="x"
    )
    entry.add_to_hass(hass)
    result = await hass.config_entries.options.async_init(entry.entry_id)
    valid = {
        CONF_QUEUE_DELAY: 0.0,
        CONF_MAX_ACTIONS: 1,
        const.CONF_ADAPTIVE_SENDING: True,
        CONF_BUSY_MODE: const.BUSY_MODE_QUEUE,
        CONF_REFRESH_THROTTLE: 1.0,
    }

    result = await hass.config_entries.options.async_configure(
        result["flow_id"], valid | changes
    )

    assert result["type"] is FlowResultType.FORM
    assert result["errors"] == errors
    assert entry.options == {CONF_QUEUE_DELAY: 2.0}
    # The message names the range, from the same constants the check uses.
    assert (result["description_placeholders"] or {})["max_max_actions"] == "50"
    # The form keeps what was typed.
    defaults = form_defaults(result)
    assert defaults == valid | changes

    # The range's own ends are accepted.
    result = await hass.config_entries.options.async_configure(result["flow_id"], valid)
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert entry.options == valid


async def test_options_change_calls_update_listener(hass: HomeAssistant) -> None:
    """The core's update listener is what applies options live."""
    entry = MockConfigEntry(domain=DOMAIN, data={}, unique_id="x")
    entry.add_to_hass(hass)
    seen: list[dict[str, Any]] = []

    async def listener(hass: HomeAssistant, entry: ConfigEntry) -> None:
        seen.append(dict(entry.options))

    entry.add_update_listener(listener)
    result = await hass.config_entries.options.async_init(entry.entry_id)
    await hass.config_entries.options.async_configure(
        result["flow_id"],
        {
            CONF_QUEUE_DELAY: 0.2,
            CONF_MAX_ACTIONS: 10,
            const.CONF_ADAPTIVE_SENDING: False,
            CONF_BUSY_MODE: const.BUSY_MODE_QUEUE,
            CONF_REFRESH_THROTTLE: 5,
        },
    )
    await hass.async_block_till_done()

    assert seen == [
        {
            CONF_QUEUE_DELAY: 0.2,
            CONF_MAX_ACTIONS: 10,
            const.CONF_ADAPTIVE_SENDING: False,
            CONF_BUSY_MODE: const.BUSY_MODE_QUEUE,
            CONF_REFRESH_THROTTLE: 5,
        }
    ]
