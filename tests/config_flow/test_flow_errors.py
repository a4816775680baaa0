"""Errors of the connection test, each recovered from in the same flow."""

from __future__ import annotations

from typing import Any

from aiohttp import ClientConnectorCertificateError, ClientError
from homeassistant.config_entries import (
    ConfigFlowResult,
)
from homeassistant.const import (
    CONF_HOST,
    CONF_USERNAME,
    CONF_VERIFY_SSL,
)
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType
from pyoverkiz import exceptions as ok
import pytest

from custom_components.overkiz_batch import connection
from custom_components.overkiz_batch.client import create_client
from simulator import GatewaySimulator
from tests.config_flow.helpers import (
    CLOUD_HUB,
    COZYTOUCH_HUB,
    LOCAL_HUB,
    LOGIN_ERRORS_PARSED,
    closed_port,
    cloud_input,
    form_values,
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
