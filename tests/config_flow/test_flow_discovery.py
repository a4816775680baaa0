"""Zeroconf and DHCP discovery of local gateways."""

from __future__ import annotations

from ipaddress import ip_address

from homeassistant.config_entries import (
    ConfigEntryState,
)
from homeassistant.const import (
    CONF_HOST,
    CONF_VERIFY_SSL,
)
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType
from homeassistant.helpers.service_info.dhcp import DhcpServiceInfo
from homeassistant.helpers.service_info.zeroconf import ZeroconfServiceInfo
import pytest

from custom_components.overkiz_batch.const import (
    DOMAIN,
)
from simulator import GatewaySimulator
from tests.config_flow.helpers import (
    closed_port,
    cloud_entry,
    form_values,
    local_entry,
    local_input,
)
from tests.gateway_setup import (
    entry_state,
)

# The simulator listens on 127.0.0.1; pytest-socket still allows nothing else.
# pyoverkiz's retries (a refused connection is tried 3 times) do not wait, and
# "localhost" (the cloud simulator) is resolved on the test's own loop.
pytestmark = pytest.mark.usefixtures(
    "socket_enabled", "no_retry_waits", "resolver_on_test_loop"
)


# Discovery.


def zeroconf_info(
    gateway_id: str | None, kind: str = "_kizbox._tcp.local.", port: int = 443
) -> ZeroconfServiceInfo:
    properties = {} if gateway_id is None else {"gateway_pin": gateway_id}
    return ZeroconfServiceInfo(
        ip_address=ip_address("192.168.1.20"),
        ip_addresses=[ip_address("192.168.1.20")],
        hostname=f"gateway-{gateway_id}.local.",
        name=f"gateway-{gateway_id}.{kind}",
        port=port,
        type=kind,
        properties=properties,
    )


@pytest.mark.usefixtures("mock_setup_entry")
async def test_zeroconf_then_local(
    hass: HomeAssistant, local_sim: GatewaySimulator
) -> None:
    """A discovered gateway goes straight to the local API, its host filled in."""
    gw = local_sim.gateway_id
    result = await hass.config_entries.flow.async_init(
        DOMAIN, context={"source": "zeroconf"}, data=zeroconf_info(gw)
    )
    assert result["step_id"] == "local"
    assert form_values(result) == {
        CONF_HOST: f"gateway-{gw}.local:8443",
        CONF_VERIFY_SSL: True,
    }
    flow = hass.config_entries.flow.async_get(result["flow_id"])
    assert flow["context"]["title_placeholders"] == {"gateway_id": gw}

    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], local_input(local_sim)
    )

    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["result"].unique_id == gw
    assert result["data"][CONF_HOST] == local_sim.host


async def test_zeroconf_developer_mode_host(hass: HomeAssistant) -> None:
    result = await hass.config_entries.flow.async_init(
        DOMAIN,
        context={"source": "zeroconf"},
        data=zeroconf_info("1234-5678-9012", "_kizboxdev._tcp.local.", port=8444),
    )

    assert result["step_id"] == "local"
    assert form_values(result)[CONF_HOST] == "gateway-1234-5678-9012.local:8444"


async def test_zeroconf_of_a_configured_gateway(
    hass: HomeAssistant, local_sim: GatewaySimulator
) -> None:
    entry = local_entry(local_sim)
    entry.add_to_hass(hass)

    result = await hass.config_entries.flow.async_init(
        DOMAIN, context={"source": "zeroconf"}, data=zeroconf_info(local_sim.gateway_id)
    )

    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "already_configured"
    # Stored by address, the host follows the gateway to its new one, port kept.
    assert entry.data[CONF_HOST] == f"192.168.1.20:{local_sim.port}"


@pytest.mark.parametrize("source", ["zeroconf", "dhcp"])
async def test_discovery_keeps_a_host_name(
    hass: HomeAssistant, local_sim: GatewaySimulator, source: str
) -> None:
    gw = local_sim.gateway_id
    name = f"gateway-{gw}.local:8443"
    entry = local_entry(local_sim, host=name)
    entry.add_to_hass(hass)
    info = zeroconf_info(gw) if source == "zeroconf" else dhcp_info(f"gateway-{gw}")

    result = await hass.config_entries.flow.async_init(
        DOMAIN, context={"source": source}, data=info
    )

    assert result["reason"] == "already_configured"
    assert entry.data[CONF_HOST] == name


async def test_discovery_leaves_a_cloud_entry_alone(
    hass: HomeAssistant, cloud_sim: GatewaySimulator
) -> None:
    entry = cloud_entry(cloud_sim)
    entry.add_to_hass(hass)
    data = dict(entry.data)

    result = await hass.config_entries.flow.async_init(
        DOMAIN,
        context={"source": "dhcp"},
        data=dhcp_info(f"gateway-{cloud_sim.gateway_id}"),
    )

    assert result["reason"] == "already_configured"
    assert entry.data == data


async def test_zeroconf_without_a_pin(hass: HomeAssistant) -> None:
    result = await hass.config_entries.flow.async_init(
        DOMAIN, context={"source": "zeroconf"}, data=zeroconf_info(None)
    )

    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "not_overkiz_gateway"


def dhcp_info(hostname: str, ip: str = "192.168.1.20") -> DhcpServiceInfo:
    return DhcpServiceInfo(ip=ip, hostname=hostname, macaddress="f8811a000001")


@pytest.mark.usefixtures("mock_setup_entry")
async def test_dhcp_then_local(
    hass: HomeAssistant, local_sim: GatewaySimulator
) -> None:
    gw = local_sim.gateway_id
    result = await hass.config_entries.flow.async_init(
        DOMAIN, context={"source": "dhcp"}, data=dhcp_info(f"GATEWAY-{gw}")
    )
    assert result["step_id"] == "local"
    assert form_values(result)[CONF_HOST] == f"gateway-{gw}.local:8443"
    flow = hass.config_entries.flow.async_get(result["flow_id"])
    assert flow["context"]["title_placeholders"] == {"gateway_id": gw}

    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], local_input(local_sim, token="wrong")
    )
    assert result["errors"] == {"base": "invalid_auth"}
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], local_input(local_sim)
    )

    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["result"].unique_id == gw


async def test_dhcp_of_a_configured_gateway(
    hass: HomeAssistant, local_sim: GatewaySimulator
) -> None:
    entry = local_entry(local_sim, host="192.168.1.20:8443")
    entry.add_to_hass(hass)

    result = await hass.config_entries.flow.async_init(
        DOMAIN,
        context={"source": "dhcp"},
        data=dhcp_info(f"gateway-{local_sim.gateway_id}", ip="192.168.1.31"),
    )

    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "already_configured"
    assert entry.data[CONF_HOST] == "192.168.1.31:8443"


async def test_dhcp_with_another_hostname(hass: HomeAssistant) -> None:
    result = await hass.config_entries.flow.async_init(
        DOMAIN, context={"source": "dhcp"}, data=dhcp_info("printer")
    )

    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "not_overkiz_gateway"


async def test_discovered_address_of_a_running_entry(
    hass: HomeAssistant, local_sim: GatewaySimulator
) -> None:
    """The update listener reloads the entry on its new host; options stay live."""
    entry = local_entry(local_sim, host=f"127.0.0.1:{closed_port()}")
    entry.add_to_hass(hass)
    await hass.config_entries.async_setup(entry.entry_id)
    assert entry.state is ConfigEntryState.SETUP_RETRY

    # The gateway is found again at the same address, on the simulator's port.
    hass.config_entries.async_update_entry(
        entry, data={**entry.data, CONF_HOST: f"192.168.1.9:{local_sim.port}"}
    )
    result = await hass.config_entries.flow.async_init(
        DOMAIN,
        context={"source": "dhcp"},
        data=dhcp_info(f"gateway-{local_sim.gateway_id}", ip="127.0.0.1"),
    )
    await hass.async_block_till_done()

    assert result["reason"] == "already_configured"
    assert entry.data[CONF_HOST] == local_sim.host
    assert entry_state(entry) is ConfigEntryState.LOADED  # set up again, moved
    assert await hass.config_entries.async_unload(entry.entry_id)
