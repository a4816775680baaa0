"""Build a pyoverkiz client from a config entry's data."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Final

from homeassistant.const import (
    CONF_HOST,
    CONF_PASSWORD,
    CONF_TOKEN,
    CONF_USERNAME,
    CONF_VERIFY_SSL,
)
from pyoverkiz.auth.credentials import (
    LocalTokenCredentials,
    UsernamePasswordCredentials,
)
from pyoverkiz.client import SSL_CONTEXT_LOCAL_API, OverkizClient, OverkizClientSettings
from pyoverkiz.const import SERVERS_WITH_LOCAL_API, SUPPORTED_SERVERS
from pyoverkiz.enums import Server
from pyoverkiz.response_handler import check_response
from pyoverkiz.utils import create_local_server_config

from .const import API_TYPE_LOCAL, CONF_API_TYPE, CONF_HUB
from .session import create_session

if TYPE_CHECKING:
    from collections.abc import Mapping

    from homeassistant.core import HomeAssistant


def hub_names() -> dict[str, str]:
    """Return the cloud servers a user can pick: hub key to display name."""
    return {key: server.name for key, server in SUPPORTED_SERVERS.items()}


# Hubs whose gateways also offer the local API (TaHoma developer mode).
LOCAL_API_HUBS: Final[frozenset[str]] = frozenset(
    str(s) for s in SERVERS_WITH_LOCAL_API
)

# Hubs whose cloud login is OAuth2 in a browser, which this integration does not do;
# their gateways are reachable through the local API only.
LOCAL_ONLY_HUBS: Final[frozenset[str]] = frozenset({str(Server.REXEL)})

# RTS moves take a duration as their last parameter; 0 lets the motor use its own.
RTS_DURATION = 0


def create_client(hass: HomeAssistant, data: Mapping[str, Any]) -> OverkizClient:
    """Return a client for the gateway described by entry data (not logged in yet).

    Each client gets its own session (session.py): the cloud login is a session
    cookie that must not leak between accounts. Home Assistant closes that
    session (at stop, or when the entry that created it unloads); never call
    ``client.close()``, which would close it too: unregister the event listener
    instead.
    """
    settings = OverkizClientSettings(default_rts_command_duration=RTS_DURATION)
    if data.get(CONF_API_TYPE) == API_TYPE_LOCAL:
        verify_ssl: bool = data.get(CONF_VERIFY_SSL, True)
        return OverkizClient(
            server=create_local_server_config(host=data[CONF_HOST]),
            credentials=LocalTokenCredentials(data[CONF_TOKEN]),
            session=create_session(hass, verify_ssl=verify_ssl),
            verify_ssl=verify_ssl,
            settings=settings,
        )
    return OverkizClient(
        server=SUPPORTED_SERVERS[data[CONF_HUB]],
        credentials=UsernamePasswordCredentials(
            data[CONF_USERNAME], data[CONF_PASSWORD]
        ),
        session=create_session(hass),
        settings=settings,
    )


async def async_unregister_listener(
    client: OverkizClient, data: Mapping[str, Any], listener_id: str
) -> None:
    """Unregister a local gateway's listener that is no longer the client's.

    pyoverkiz registers a new listener after logging in again and offers no way
    to drop the old one, which a local gateway keeps until it expires: this is
    its one request, with the entry's token. The cloud drops a session's old
    listener itself.
    """
    if data.get(CONF_API_TYPE) != API_TYPE_LOCAL:
        return
    verify_ssl: bool = data.get(CONF_VERIFY_SSL, True)
    async with client.session.post(
        f"{client.server_config.endpoint}events/{listener_id}/unregister",
        headers={"Authorization": f"Bearer {data[CONF_TOKEN]}"},
        ssl=SSL_CONTEXT_LOCAL_API if verify_ssl else False,
    ) as response:
        await check_response(response)
