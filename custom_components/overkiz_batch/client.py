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
from homeassistant.helpers.aiohttp_client import async_create_clientsession
from pyoverkiz.auth.credentials import (
    LocalTokenCredentials,
    UsernamePasswordCredentials,
)
from pyoverkiz.client import OverkizClient
from pyoverkiz.const import SERVERS_WITH_LOCAL_API, SUPPORTED_SERVERS
from pyoverkiz.enums import Server
from pyoverkiz.utils import create_local_server_config

from .const import API_TYPE_LOCAL, CONF_API_TYPE, CONF_HUB

if TYPE_CHECKING:
    from collections.abc import Mapping

    from homeassistant.core import HomeAssistant
    from pyoverkiz.models import ServerConfig

# The cloud servers a user can pick, by hub key. A mutable copy of pyoverkiz's
# read-only mapping, so tests can point a hub at the simulator.
SERVERS: dict[str, ServerConfig] = dict(SUPPORTED_SERVERS)

# Hubs whose gateways also offer the local API (TaHoma developer mode).
LOCAL_API_HUBS: Final[frozenset[str]] = frozenset(
    str(s) for s in SERVERS_WITH_LOCAL_API
)

# Hubs whose cloud login is OAuth2 in a browser, which this integration does not do;
# their gateways are reachable through the local API only.
LOCAL_ONLY_HUBS: Final[frozenset[str]] = frozenset({str(Server.REXEL)})


def create_client(hass: HomeAssistant, data: Mapping[str, Any]) -> OverkizClient:
    """Return a client for the gateway described by entry data (not logged in yet).

    Each client gets its own session: the cloud login is a session cookie that must
    not leak between accounts. Home Assistant closes that session (at stop, or when
    the entry that created it unloads); never call ``client.close()``, which would
    close it too: unregister the event listener instead.
    """
    if data.get(CONF_API_TYPE) == API_TYPE_LOCAL:
        verify_ssl: bool = data.get(CONF_VERIFY_SSL, True)
        return OverkizClient(
            server=create_local_server_config(host=data[CONF_HOST]),
            credentials=LocalTokenCredentials(data[CONF_TOKEN]),
            session=async_create_clientsession(hass, verify_ssl=verify_ssl),
            verify_ssl=verify_ssl,
        )
    return OverkizClient(
        server=SERVERS[data[CONF_HUB]],
        credentials=UsernamePasswordCredentials(
            data[CONF_USERNAME], data[CONF_PASSWORD]
        ),
        session=async_create_clientsession(hass),
    )
