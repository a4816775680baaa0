"""Reauth and reconfigure flows against the simulated gateway."""

from __future__ import annotations

from typing import Any

from homeassistant.config_entries import (
    ConfigEntry,
    ConfigEntryState,
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
import pytest

from custom_components.overkiz_batch.const import (
    CONF_GATEWAY_ID,
)
from simulator import GatewaySimulator
from tests.config_flow.helpers import (
    OTHER_GATEWAY,
    closed_port,
    cloud_entry,
    cloud_input,
    form_values,
    local_entry,
)

# The simulator listens on 127.0.0.1; pytest-socket still allows nothing else.
# pyoverkiz's retries (a refused connection is tried 3 times) do not wait, and
# "localhost" (the cloud simulator) is resolved on the test's own loop.
pytestmark = pytest.mark.usefixtures(
    "socket_enabled", "no_retry_waits", "resolver_on_test_loop"
)


# Reauth.


async def test_reauth_cloud(
    hass: HomeAssistant, cloud_sim: GatewaySimulator, mock_setup_entry: Any
) -> None:
    entry = cloud_entry(cloud_sim, password="old")
    entry.add_to_hass(hass)
    updates: list[ConfigEntry] = []

    async def listener(hass: HomeAssistant, entry: ConfigEntry) -> None:
        updates.append(entry)

    entry.add_update_listener(listener)

    result = await entry.start_reauth_flow(hass)
    assert result["step_id"] == "reauth_confirm"
    assert result["description_placeholders"]["account"] == cloud_sim.username

    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {CONF_PASSWORD: "still wrong"}
    )
    assert result["errors"] == {"base": "invalid_auth"}

    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {CONF_PASSWORD: cloud_sim.password}
    )
    await hass.async_block_till_done()

    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "reauth_successful"
    assert entry.data[CONF_PASSWORD] == cloud_sim.password
    assert entry.data[CONF_USERNAME] == cloud_sim.username
    # The entry's update listener saw the change: it decides whether to reload.
    assert updates == [entry]
    assert mock_setup_entry.call_count == 0


async def test_reauth_local_after_token_revoked(
    hass: HomeAssistant, local_sim: GatewaySimulator, mock_setup_entry: Any
) -> None:
    entry = local_entry(local_sim, token="revoked")
    entry.add_to_hass(hass)

    result = await entry.start_reauth_flow(hass)
    assert result["step_id"] == "reauth_confirm"
    assert set(result["data_schema"].schema) == {CONF_TOKEN}

    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {CONF_TOKEN: local_sim.token}
    )
    await hass.async_block_till_done()

    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "reauth_successful"
    assert entry.data[CONF_TOKEN] == local_sim.token
    assert entry.data[CONF_HOST] == local_sim.host
    assert mock_setup_entry.call_count == 0


async def test_reauth_of_a_running_entry_after_token_revoked(
    hass: HomeAssistant, local_sim: GatewaySimulator
) -> None:
    """The whole integration: the new token is in use once the flow ends."""
    entry = local_entry(local_sim)
    entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(entry.entry_id)
    assert entry.state is ConfigEntryState.LOADED
    local_sim.revoke_token()  # the sim now only accepts its fresh token
    registered = local_sim.stats.calls["events/register"]

    result = await entry.start_reauth_flow(hass)
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {CONF_TOKEN: local_sim.token}
    )
    await hass.async_block_till_done()

    assert result["reason"] == "reauth_successful"
    assert entry.data[CONF_TOKEN] == local_sim.token
    assert entry.state is ConfigEntryState.LOADED
    assert local_sim.stats.calls["events/register"] == registered + 1
    assert await hass.config_entries.async_unload(entry.entry_id)


async def test_reauth_with_another_account(
    hass: HomeAssistant, cloud_sim: GatewaySimulator
) -> None:
    entry = cloud_entry(cloud_sim, gateway_id=OTHER_GATEWAY)
    entry.add_to_hass(hass)

    result = await entry.start_reauth_flow(hass)
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {CONF_PASSWORD: cloud_sim.password}
    )

    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "reauth_wrong_account"
    assert entry.data[CONF_GATEWAY_ID] == OTHER_GATEWAY


# Reconfigure.


@pytest.mark.usefixtures("refused_handshakes")
async def test_reconfigure_local_host(
    hass: HomeAssistant, local_sim: GatewaySimulator, mock_setup_entry: Any
) -> None:
    old_host = f"127.0.0.1:{closed_port()}"
    entry = local_entry(local_sim, host=old_host, verify_ssl=True)
    entry.add_to_hass(hass)

    result = await entry.start_reconfigure_flow(hass)
    assert result["step_id"] == "reconfigure"
    assert set(result["data_schema"].schema) == {CONF_HOST, CONF_VERIFY_SSL}

    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {CONF_HOST: local_sim.host, CONF_VERIFY_SSL: True}
    )
    assert result["errors"] == {"base": "certificate_verify_failed"}

    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {CONF_HOST: local_sim.host, CONF_VERIFY_SSL: False}
    )
    await hass.async_block_till_done()

    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "reconfigure_successful"
    assert entry.data[CONF_HOST] == local_sim.host
    assert entry.data[CONF_VERIFY_SSL] is False
    assert entry.data[CONF_TOKEN] == local_sim.token
    assert mock_setup_entry.call_count == 0


async def test_reconfigure_cloud_login(
    hass: HomeAssistant, cloud_sim: GatewaySimulator, mock_setup_entry: Any
) -> None:
    entry = cloud_entry(cloud_sim, password="old")
    entry.add_to_hass(hass)

    result = await entry.start_reconfigure_flow(hass)
    assert set(result["data_schema"].schema) == {CONF_USERNAME, CONF_PASSWORD}

    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], cloud_input(cloud_sim, username="someone@else")
    )
    assert result["errors"] == {"base": "invalid_auth"}
    assert form_values(result) == {CONF_USERNAME: "someone@else"}

    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], cloud_input(cloud_sim)
    )
    await hass.async_block_till_done()

    assert result["reason"] == "reconfigure_successful"
    assert entry.data[CONF_PASSWORD] == cloud_sim.password
    assert mock_setup_entry.call_count == 0


async def test_reconfigure_to_another_gateway(
    hass: HomeAssistant, local_sim: GatewaySimulator
) -> None:
    entry = local_entry(local_sim, gateway_id=OTHER_GATEWAY, host="old:8443")
    entry.add_to_hass(hass)

    result = await entry.start_reconfigure_flow(hass)
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {CONF_HOST: local_sim.host, CONF_VERIFY_SSL: False}
    )

    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "reconfigure_wrong_account"
    assert entry.data[CONF_HOST] == "old:8443"
