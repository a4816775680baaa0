"""The user flow against the simulated gateway, and one entry per gateway."""

from __future__ import annotations

from homeassistant.config_entries import (
    SOURCE_USER,
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
from pyoverkiz.const import SUPPORTED_SERVERS
import pytest

from custom_components.overkiz_batch import const
from custom_components.overkiz_batch.client import hub_names
from custom_components.overkiz_batch.const import (
    API_TYPE_CLOUD,
    API_TYPE_LOCAL,
    CONF_API_TYPE,
    CONF_BUSY_MODE,
    CONF_GATEWAY_ID,
    CONF_HUB,
    DOMAIN,
)
from simulator import GatewaySimulator
from tests.config_flow.helpers import (
    CLOUD_HUB,
    LOCAL_HUB,
    TRANSLATIONS,
    cloud_entry,
    cloud_input,
    local_input,
    start,
    start_local,
)

# The simulator listens on 127.0.0.1; pytest-socket still allows nothing else.
# pyoverkiz's retries (a refused connection is tried 3 times) do not wait, and
# "localhost" (the cloud simulator) is resolved on the test's own loop.
pytestmark = pytest.mark.usefixtures(
    "socket_enabled", "no_retry_waits", "resolver_on_test_loop"
)


def test_busy_mode_choices_are_translated() -> None:
    options = TRANSLATIONS["selector"][CONF_BUSY_MODE]["options"]
    assert set(options) == {const.BUSY_MODE_QUEUE, const.BUSY_MODE_REJECT}


# The user flow.


@pytest.mark.usefixtures("mock_setup_entry")
async def test_user_cloud_creates_entry(
    hass: HomeAssistant, cloud_sim: GatewaySimulator
) -> None:
    result = await start(hass, CLOUD_HUB)
    assert result["step_id"] == "cloud"

    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], cloud_input(cloud_sim)
    )

    assert result["type"] is FlowResultType.CREATE_ENTRY
    # Named by the account's home and the gateway's model and last id group.
    short = cloud_sim.gateway_id.rsplit("-", 1)[-1]
    assert result["title"] == f"House (TaHoma Switch {short})"
    assert result["data"] == {
        CONF_HUB: CLOUD_HUB,
        CONF_API_TYPE: API_TYPE_CLOUD,
        CONF_USERNAME: cloud_sim.username,
        CONF_PASSWORD: cloud_sim.password,
        CONF_GATEWAY_ID: cloud_sim.gateway_id,
    }
    assert result["result"].unique_id == cloud_sim.gateway_id
    assert cloud_sim.stats.calls["setup"] >= 1


@pytest.mark.usefixtures("mock_setup_entry")
async def test_user_local_creates_entry(
    hass: HomeAssistant, local_sim: GatewaySimulator
) -> None:
    result = await start_local(hass)

    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], local_input(local_sim)
    )

    assert result["type"] is FlowResultType.CREATE_ENTRY
    # Not its address: the vendor's gateway (a local gateway does not tell its model)
    # and the last group of its id.
    assert result["title"] == f"Somfy gateway {local_sim.gateway_id[-4:]}"
    assert result["data"] == {
        CONF_HUB: LOCAL_HUB,
        CONF_API_TYPE: API_TYPE_LOCAL,
        CONF_HOST: local_sim.host,
        CONF_TOKEN: local_sim.token,
        CONF_VERIFY_SSL: False,
        CONF_GATEWAY_ID: local_sim.gateway_id,
    }
    assert result["result"].unique_id == local_sim.gateway_id


@pytest.mark.usefixtures("mock_setup_entry")
async def test_local_capable_hub_may_still_use_the_cloud(
    hass: HomeAssistant, cloud_sim: GatewaySimulator
) -> None:
    result = await start(hass, LOCAL_HUB)
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {"next_step_id": API_TYPE_CLOUD}
    )
    assert result["step_id"] == "cloud"

    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], cloud_input(cloud_sim)
    )

    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["data"][CONF_HUB] == LOCAL_HUB
    assert result["data"][CONF_API_TYPE] == API_TYPE_CLOUD


async def test_oauth_only_hub_goes_straight_to_local(hass: HomeAssistant) -> None:
    """Rexel's cloud needs a browser OAuth login; its gateways are offered locally."""
    result = await start(hass, "rexel")

    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == "local"


async def test_hub_list_comes_from_pyoverkiz(hass: HomeAssistant) -> None:
    result = await hass.config_entries.flow.async_init(
        DOMAIN, context={"source": SOURCE_USER}
    )
    assert result["data_schema"] is not None
    schema = result["data_schema"].schema
    hubs = next(iter(schema.values())).container
    assert hubs == hub_names()
    assert hubs[LOCAL_HUB] == SUPPORTED_SERVERS[LOCAL_HUB].name


# One entry per gateway.


async def test_gateway_already_configured(
    hass: HomeAssistant, cloud_sim: GatewaySimulator
) -> None:
    cloud_entry(cloud_sim).add_to_hass(hass)
    result = await start(hass, CLOUD_HUB)

    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], cloud_input(cloud_sim)
    )

    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "already_configured"


@pytest.mark.usefixtures("mock_setup_entry")
async def test_account_with_several_gateways(
    hass: HomeAssistant, multi_sim: GatewaySimulator
) -> None:
    """Each gateway of the account becomes its own entry, picked one by one."""
    all_ids = {multi_sim.gateway_id, "2222-2222-2222", "3333-3333-3333"}
    created: list[str] = []
    for offered in (3, 2):
        result = await start(hass, CLOUD_HUB)
        result = await hass.config_entries.flow.async_configure(
            result["flow_id"], cloud_input(multi_sim)
        )
        assert result["type"] is FlowResultType.FORM
        assert result["step_id"] == "gateway"
        assert result["data_schema"] is not None
        choices = next(iter(result["data_schema"].schema.values())).container
        assert set(choices) == all_ids - set(created)
        assert len(choices) == offered
        pick = sorted(choices)[0]
        assert choices[pick] == f"TaHoma Switch {pick[-4:]} ({pick})"
        if "3333-3333-3333" in choices:  # a type pyoverkiz does not know
            assert choices["3333-3333-3333"] == "Somfy gateway 3333 (3333-3333-3333)"
        result = await hass.config_entries.flow.async_configure(
            result["flow_id"], {CONF_GATEWAY_ID: pick}
        )
        assert result["type"] is FlowResultType.CREATE_ENTRY
        assert result["result"].unique_id == pick
        assert result["data"][CONF_GATEWAY_ID] == pick
        created.append(pick)

    # The last gateway left needs no picking.
    result = await start(hass, CLOUD_HUB)
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], cloud_input(multi_sim)
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    created.append(result["result"].unique_id or "")
    assert set(created) == all_ids

    result = await start(hass, CLOUD_HUB)
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], cloud_input(multi_sim)
    )
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "already_configured"
    assert {e.unique_id for e in hass.config_entries.async_entries(DOMAIN)} == all_ids


async def test_account_without_gateway(
    hass: HomeAssistant, cloud_sim: GatewaySimulator
) -> None:
    # The account's only gateway was removed from it (the simulator's live house).
    cloud_sim.core.house["gateways"].clear()
    result = await start(hass, CLOUD_HUB)

    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], cloud_input(cloud_sim)
    )

    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "no_gateways"
    assert cloud_sim.stats.calls["setup"] == 1
