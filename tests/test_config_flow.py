"""Config flow and options flow, run against the simulated gateway over real sockets."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Iterator
from importlib.metadata import version
from ipaddress import ip_address
import json
from pathlib import Path
import re
import socket
import ssl
from typing import Any
from unittest.mock import patch

from aiohttp import ClientConnectorCertificateError, ClientError
from homeassistant.config_entries import (
    SOURCE_USER,
    ConfigEntriesFlowManager,
    ConfigEntry,
    ConfigEntryState,
    ConfigFlowResult,
    OptionsFlowManager,
)
from homeassistant.const import (
    CONF_HOST,
    CONF_PASSWORD,
    CONF_TOKEN,
    CONF_USERNAME,
    CONF_VERIFY_SSL,
)
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowManager, FlowResultType
from homeassistant.helpers.service_info.dhcp import DhcpServiceInfo
from homeassistant.helpers.service_info.zeroconf import ZeroconfServiceInfo
from packaging.version import Version
import probatio
from pyoverkiz import exceptions as ok
from pyoverkiz.const import SUPPORTED_SERVERS
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.overkiz_batch import config_flow, connection, const
from custom_components.overkiz_batch.client import create_client, hub_names
from custom_components.overkiz_batch.const import (
    API_TYPE_CLOUD,
    API_TYPE_LOCAL,
    CONF_API_TYPE,
    CONF_BUSY_MODE,
    CONF_GATEWAY_ID,
    CONF_HUB,
    CONF_MAX_ACTIONS,
    CONF_QUEUE_DELAY,
    CONF_REFRESH_THROTTLE,
    DOMAIN,
)
from simulator import GatewaySimulator
from simulator.houses import default_house, gateway
from tests.gateway_setup import (
    cloud_entry_data,
    entry_state,
    local_entry_data,
    register_hub,
)

CLOUD_HUB = "flexom"  # a cloud-only hub with the plain session login
LOCAL_HUB = "somfy_europe"  # a hub whose gateways also have the local API
COZYTOUCH_HUB = "atlantic_cozytouch"
OTHER_GATEWAY = "9999-9999-9999"

# pyoverkiz before 2.3 turns every refused cloud login into BadCredentialsError.
LOGIN_ERRORS_PARSED = Version(version("pyoverkiz")) >= Version("2.3")

# The simulator listens on 127.0.0.1; pytest-socket still allows nothing else.
# pyoverkiz's retries (a refused connection is tried 3 times) do not wait, and
# "localhost" (the cloud simulator) is resolved on the test's own loop.
pytestmark = pytest.mark.usefixtures(
    "socket_enabled", "no_retry_waits", "resolver_on_test_loop"
)


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


@pytest.fixture(autouse=True)
def every_result_translated(monkeypatch: pytest.MonkeyPatch) -> None:
    """Check each flow result the tests see against en.json."""
    for manager, method in [
        (ConfigEntriesFlowManager, "async_init"),
        (OptionsFlowManager, "async_init"),
        (FlowManager, "async_configure"),
    ]:
        original = getattr(manager, method)

        async def checked(
            self: FlowManager, *args: Any, _original: Any = original, **kwargs: Any
        ) -> Any:
            result = await _original(self, *args, **kwargs)
            is_options = isinstance(self, OptionsFlowManager)
            assert_translated("options" if is_options else "config", result)
            return result

        monkeypatch.setattr(manager, method, checked)


def test_busy_mode_choices_are_translated() -> None:
    options = TRANSLATIONS["selector"][CONF_BUSY_MODE]["options"]
    assert set(options) == {const.BUSY_MODE_QUEUE, const.BUSY_MODE_REJECT}


@pytest.fixture
async def mock_setup_entry(hass: HomeAssistant) -> AsyncIterator[Any]:
    """Keep flows from starting the integration: these tests are about the flow."""
    with (
        patch(
            "custom_components.overkiz_batch.async_setup_entry",
            return_value=True,
            create=True,
        ) as setup_entry,
        patch(
            "custom_components.overkiz_batch.async_unload_entry",
            return_value=True,
            create=True,
        ),
    ):
        yield setup_entry
        for entry in hass.config_entries.async_entries(DOMAIN):
            await hass.config_entries.async_unload(entry.entry_id)


@pytest.fixture
def refused_handshakes(hass: HomeAssistant) -> Iterator[None]:
    """Let the simulator's server see TLS handshakes the client walked out of.

    A client that rejects the certificate drops the connection mid-handshake, which
    asyncio reports on the server's side; the test fixture would fail on it.
    """
    loop = hass.loop
    handler = loop.get_exception_handler()
    assert handler is not None

    def ignore_refused(
        loop: asyncio.AbstractEventLoop, context: dict[str, Any]
    ) -> None:
        if context.get("message") == (
            "Error on transport creation for incoming connection"
        ) and isinstance(context.get("exception"), (ConnectionError, ssl.SSLError)):
            return
        handler(loop, context)

    loop.set_exception_handler(ignore_refused)
    yield
    loop.set_exception_handler(handler)


@pytest.fixture
async def local_sim(hass: HomeAssistant) -> AsyncIterator[GatewaySimulator]:
    async with GatewaySimulator(mode="local") as sim:
        yield sim


@pytest.fixture
async def cloud_sim(
    hass: HomeAssistant, monkeypatch: pytest.MonkeyPatch
) -> AsyncIterator[GatewaySimulator]:
    async with GatewaySimulator(mode="cloud") as sim:
        for hub in (CLOUD_HUB, LOCAL_HUB, COZYTOUCH_HUB):
            register_hub(monkeypatch, hub, sim.server_config)
        yield sim


def _three_gateway_house() -> dict[str, Any]:
    house = default_house()
    # The third is of a type pyoverkiz does not know.
    house["gateways"] += [
        gateway("2222-2222-2222"),
        gateway("3333-3333-3333") | {"type": 9999},
    ]
    return house


@pytest.fixture
async def multi_sim(
    hass: HomeAssistant, monkeypatch: pytest.MonkeyPatch
) -> AsyncIterator[GatewaySimulator]:
    async with GatewaySimulator(house=_three_gateway_house(), mode="cloud") as sim:
        register_hub(monkeypatch, CLOUD_HUB, sim.server_config)
        yield sim


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
    # Not its address: the gateway's model and the last group of its id.
    assert result["title"] == f"TaHoma Switch {local_sim.gateway_id[-4:]}"
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


# Errors of the connection test, each recovered from in the same flow.


@pytest.mark.parametrize("endpoint", ["login", "setup"])
@pytest.mark.parametrize(
    ("fault", "error"),
    [
        ("BAD_CREDENTIALS", "invalid_auth"),
        ("TOO_MANY_REQUESTS", "too_many_requests"),
        ("MAINTENANCE", "server_in_maintenance"),
        ("SERVER_ERROR_500", "cannot_connect"),
    ],
)
@pytest.mark.usefixtures("mock_setup_entry")
async def test_cloud_errors(
    hass: HomeAssistant,
    cloud_sim: GatewaySimulator,
    endpoint: str,
    fault: str,
    error: str,
) -> None:
    if endpoint == "login" and fault != "BAD_CREDENTIALS" and not LOGIN_ERRORS_PARSED:
        pytest.skip("pyoverkiz < 2.3 reports every refused login as bad credentials")
    result = await start(hass, CLOUD_HUB)
    cloud_sim.fail(endpoint, fault, count=10)

    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], cloud_input(cloud_sim)
    )

    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == "cloud"
    assert result["errors"] == {"base": error}

    cloud_sim.clear_faults()
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], cloud_input(cloud_sim)
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY


async def test_cloud_wrong_password(
    hass: HomeAssistant, cloud_sim: GatewaySimulator
) -> None:
    result = await start(hass, CLOUD_HUB)

    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], cloud_input(cloud_sim, password="wrong")
    )

    assert result["errors"] == {"base": "invalid_auth"}
    # The username typed stays in the form; the refused password does not.
    assert form_values(result) == {CONF_USERNAME: cloud_sim.username}

    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], cloud_input(cloud_sim)
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY


@pytest.mark.usefixtures("mock_setup_entry")
async def test_cloud_outage_keeps_the_password(
    hass: HomeAssistant, cloud_sim: GatewaySimulator
) -> None:
    result = await start(hass, CLOUD_HUB)
    cloud_sim.fail("setup", "SERVER_ERROR_500", count=10)

    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], cloud_input(cloud_sim)
    )

    assert result["errors"] == {"base": "cannot_connect"}
    # Nothing typed was wrong: all of it is there for the next try.
    assert form_values(result) == cloud_input(cloud_sim)


async def test_cozytouch_refused_by_overkiz_is_unsupported_hardware(
    hass: HomeAssistant, cloud_sim: GatewaySimulator
) -> None:
    result = await start(hass, COZYTOUCH_HUB)

    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], cloud_input(cloud_sim, password="wrong")
    )

    assert result["errors"] == {"base": "unsupported_hardware"}
    assert result["description_placeholders"] == {"unsupported_device": "Cozytouch"}


@pytest.mark.usefixtures("mock_setup_entry", "refused_handshakes")
async def test_local_errors(hass: HomeAssistant, local_sim: GatewaySimulator) -> None:
    result = await start_local(hass)
    flow_id = result["flow_id"]
    # An example host is in the field's description, not in the field.
    assert form_values(result) == {CONF_VERIFY_SSL: True}

    async def submit(**changes: Any) -> ConfigFlowResult:
        return await hass.config_entries.flow.async_configure(
            flow_id, local_input(local_sim, **changes)
        )

    result = await submit(token="not-a-token")
    assert result["errors"] == {"base": "invalid_auth"}
    # Only the refused token is cleared.
    assert form_values(result) == {CONF_HOST: local_sim.host, CONF_VERIFY_SSL: False}

    closed = f"127.0.0.1:{closed_port()}"
    result = await submit(host=closed)
    assert result["errors"] == {"base": "cannot_connect"}
    # What the user typed is kept for the next try, the token too.
    assert form_values(result) == local_input(local_sim, host=closed)

    # The simulator's certificate is self-signed, not from Overkiz's CA.
    result = await submit(verify_ssl=True)
    assert result["errors"] == {"base": "certificate_verify_failed"}

    local_sim.fail("setup", "TOO_MANY_REQUESTS")
    result = await submit()
    assert result["errors"] == {"base": "too_many_requests"}

    local_sim.fail("setup", "MALFORMED_JSON")
    result = await submit()
    assert result["errors"] == {"base": "unknown"}

    result = await submit()
    assert result["type"] is FlowResultType.CREATE_ENTRY


@pytest.mark.usefixtures("mock_setup_entry")
async def test_connection_tests_close_their_sessions(
    hass: HomeAssistant,
    local_sim: GatewaySimulator,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Each try gets a session for itself alone: closed once tried, ok or not."""
    made: list[Any] = []

    def recording_create_client(*args: Any) -> Any:
        made.append(client := create_client(*args))
        return client

    monkeypatch.setattr(connection, "create_client", recording_create_client)
    result = await start_local(hass)
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], local_input(local_sim, token="not-a-token")
    )
    assert result["errors"] == {"base": "invalid_auth"}
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], local_input(local_sim)
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY

    assert len(made) == 2
    assert len({id(client.session) for client in made}) == 2
    assert all(client.session.closed for client in made)
    assert "closes the Home Assistant aiohttp session" not in caplog.text


@pytest.mark.parametrize(
    ("exc", "hub", "error", "placeholders"),
    [
        (ok.TooManyRequestsError(), CLOUD_HUB, "too_many_requests", {}),
        (ok.TooManyAttemptsBannedError(), CLOUD_HUB, "too_many_attempts", {}),
        (ok.MaintenanceError(), CLOUD_HUB, "server_in_maintenance", {}),
        (ok.ApplicationNotAllowedError(), CLOUD_HUB, "application_not_allowed", {}),
        (
            ok.UnknownUserError(),
            COZYTOUCH_HUB,
            "unsupported_hardware",
            {"unsupported_device": "Cozytouch"},
        ),
        (
            ok.UnknownUserError(),
            LOCAL_HUB,
            "unsupported_hardware",
            {"unsupported_device": "Somfy Protect"},
        ),
        (
            ok.UnknownUserError(),
            CLOUD_HUB,
            "unsupported_hardware",
            {"unsupported_device": "Unknown"},
        ),
        (ok.BadCredentialsError(), CLOUD_HUB, "invalid_auth", {}),
        (ok.CozyTouchBadCredentialsError(), COZYTOUCH_HUB, "invalid_auth", {}),
        (
            ok.BadCredentialsError(),
            COZYTOUCH_HUB,
            "unsupported_hardware",
            {"unsupported_device": "Cozytouch"},
        ),
        (ok.NotAuthenticatedError(), LOCAL_HUB, "invalid_auth", {}),
        (ok.NoSuchTokenError(), LOCAL_HUB, "invalid_auth", {}),
        (ok.InvalidTokenError(), LOCAL_HUB, "invalid_auth", {}),
        (TimeoutError(), LOCAL_HUB, "cannot_connect", {}),
        (ClientError(), LOCAL_HUB, "cannot_connect", {}),
        (ok.ServiceUnavailableError(), CLOUD_HUB, "cannot_connect", {}),
        (ok.OverkizError(), CLOUD_HUB, "unknown", {}),
        (ValueError(), CLOUD_HUB, "unknown", {}),
    ],
)
def test_every_pyoverkiz_error_has_its_message(
    exc: Exception, hub: str, error: str, placeholders: dict[str, str]
) -> None:
    """The errors the simulator cannot produce, mapped one by one."""
    assert connection.connection_error(exc, hub) == (error, placeholders)


def test_certificate_error_is_its_own_message() -> None:
    exc = ClientConnectorCertificateError(
        connection_key=None,  # type: ignore[arg-type]
        certificate_error=Exception("self-signed"),
    )
    assert connection.connection_error(exc, LOCAL_HUB) == (
        "certificate_verify_failed",
        {},
    )


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
