"""The config flow's connection test: log in, read the gateways, explain a failure."""

from __future__ import annotations

from dataclasses import dataclass
import logging
from typing import TYPE_CHECKING, Any

from aiohttp import ClientConnectorCertificateError, ClientError
from pyoverkiz.enums import Server
from pyoverkiz.exceptions import (
    ApplicationNotAllowedError,
    BadCredentialsError,
    CozyTouchBadCredentialsError,
    InvalidTokenError,
    MaintenanceError,
    NoSuchTokenError,
    NotAuthenticatedError,
    ServiceUnavailableError,
    TooManyAttemptsBannedError,
    TooManyRequestsError,
    UnknownUserError,
)

from .client import create_client
from .const import API_TYPE_LOCAL, CONF_API_TYPE
from .logs import own_requests
from .naming import entry_title, gateway_name, home_name

if TYPE_CHECKING:
    from collections.abc import Mapping

    from homeassistant.core import HomeAssistant
    from pyoverkiz.models import Gateway

_LOGGER = logging.getLogger(__name__)

# Cozytouch accounts log in at Atlantic first; Overkiz refusing that login means the
# account's hardware does not live on the Overkiz platform.
COZYTOUCH_HUBS = frozenset(
    map(
        str,
        (Server.ATLANTIC_COZYTOUCH, Server.SAUTER_COZYTOUCH, Server.THERMOR_COZYTOUCH),
    )
)
SOMFY_HUBS = frozenset(
    map(
        str,
        (
            Server.SOMFY_EUROPE,
            Server.SOMFY_AMERICA,
            Server.SOMFY_OCEANIA,
            Server.SOMFY_DEVELOPER_MODE,
        ),
    )
)

# Errors whose fix is another password or token: the form clears that field.
AUTH_ERROR_KEYS = frozenset({"invalid_auth"})


class NoGatewayError(Exception):
    """The account answered but holds no gateway."""


@dataclass(frozen=True, slots=True)
class FoundGateway:
    """A gateway the credentials reach, with the names a person knows it by."""

    gateway_id: str
    name: str  # TaHoma Switch 9012
    title: str  # the entry title: the name, after the home's on the cloud

    @property
    def label(self) -> str:
        """How the gateway picker shows it: its name and full id."""
        return f"{self.name} ({self.gateway_id})"


async def async_find_gateways(
    hass: HomeAssistant, data: Mapping[str, Any]
) -> dict[str, FoundGateway]:
    """Log in with entry data and return the gateways it reaches, by id.

    The setup is read rather than the gateway list alone: it names the home.
    """
    own_requests()
    client = create_client(hass, data)
    # No listener is registered; the session was made for this try alone, so it
    # is let go now rather than kept until Home Assistant stops. detach(), as
    # Home Assistant does itself: its sessions share one connector, and close()
    # only reports misuse.
    try:
        await client.login(register_event_listener=False)
        setup = await client.get_setup()
    finally:
        client.session.detach()
    if not setup.gateways:
        raise NoGatewayError
    home = None if data[CONF_API_TYPE] == API_TYPE_LOCAL else home_name(setup)
    manufacturer = client.server_config.manufacturer
    return {
        gateway.id: _found(gateway, manufacturer, home) for gateway in setup.gateways
    }


def _found(gateway: Gateway, manufacturer: str, home: str | None) -> FoundGateway:
    name = gateway_name(gateway, gateway.id, manufacturer)
    return FoundGateway(gateway.id, name, entry_title(name, home))


def connection_error(exc: Exception, hub: str) -> tuple[str, dict[str, str]]:
    """Map a failed connection test to a translated error key and its placeholders."""
    match exc:
        case TooManyRequestsError():
            return "too_many_requests", {}
        case TooManyAttemptsBannedError():
            return "too_many_attempts", {}
        case MaintenanceError():
            return "server_in_maintenance", {}
        case ApplicationNotAllowedError():
            return "application_not_allowed", {}
        case UnknownUserError():
            return "unsupported_hardware", {"unsupported_device": _brand(hub)}
        case BadCredentialsError() if hub in COZYTOUCH_HUBS and not isinstance(
            exc, CozyTouchBadCredentialsError
        ):
            return "unsupported_hardware", {"unsupported_device": "Cozytouch"}
        case (
            BadCredentialsError()
            | NotAuthenticatedError()
            | NoSuchTokenError()
            | InvalidTokenError()
        ):
            return "invalid_auth", {}
        case ClientConnectorCertificateError():
            return "certificate_verify_failed", {}
        case TimeoutError() | ClientError() | ServiceUnavailableError():
            return "cannot_connect", {}
    _LOGGER.exception("Unexpected error while testing the connection")
    return "unknown", {}


def _brand(hub: str) -> str:
    """Name the hardware an unknown-user answer points at, for the error message."""
    if hub in COZYTOUCH_HUBS:
        return "Cozytouch"
    if hub in SOMFY_HUBS:
        return "Somfy Protect"
    return "Unknown"
