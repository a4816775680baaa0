"""Build a pyoverkiz client from a config entry's data."""

from __future__ import annotations

import inspect
from typing import TYPE_CHECKING, Any, Final

import backoff
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
from pyoverkiz.enums import ExecutionMode, Server
from pyoverkiz.exceptions import NotAuthenticatedError
from pyoverkiz.serializers import prepare_payload
from pyoverkiz.utils import create_local_server_config

from .const import API_TYPE_LOCAL, CONF_API_TYPE, CONF_HUB
from .errors import NOT_SENT_ERRORS

if TYPE_CHECKING:
    from collections.abc import Awaitable, Callable, Mapping

    from homeassistant.core import HomeAssistant
    from pyoverkiz.models import Action


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

# pyoverkiz's POST, retried only when the request was certainly not sent.
_post_unless_sent: Callable[..., Awaitable[Any]] = backoff.on_exception(
    backoff.expo,
    NOT_SENT_ERRORS,
    max_tries=3,
    max_time=30,
    jitter=backoff.full_jitter,
)(inspect.unwrap(OverkizClient._post))


class BatchClient(OverkizClient):
    """An OverkizClient that sends an execution at most once.

    pyoverkiz sends a POST again after a timeout or a dropped connection; for
    ``exec/apply`` (or a scenario's ``exec/{oid}``) that runs it twice when only
    the answer was lost. Here an ``exec/`` POST is sent again only when the
    connection never opened; the caller finds out what became of it after any
    other failure.
    """

    async def execute_action_group(
        self,
        *,
        actions: list[Action],
        mode: ExecutionMode | None = None,
        label: str | None = "pyOverkiz",
    ) -> str:
        """Send one action group now, as pyoverkiz does, with fewer retries.

        pyoverkiz retries a busy gateway (TooManyExecutionsError) for up to five
        minutes, blocking our queue, which owns back pressure and its deadline.
        Only a lost login is retried: nothing ran then.
        """
        actions = self._apply_rts_duration(actions)
        payload = prepare_payload(
            {"label": label, "actions": [a.to_payload() for a in actions]}
        )
        path = f"exec/apply/{mode.value}" if mode else "exec/apply"
        try:
            response = await self._post(path, payload)
        except NotAuthenticatedError:
            await self.login(register_event_listener=False)
            response = await self._post(path, payload)
        return str(response["execId"])

    async def _post(
        self,
        path: str,
        payload: dict[str, Any] | None = None,
        data: dict[str, Any] | None = None,
    ) -> Any:
        if path.startswith("exec/"):
            return await _post_unless_sent(self, path, payload, data)
        return await super()._post(path, payload, data)

    async def unregister_listener(self, listener_id: str) -> None:
        """Unregister a listener that is not the current one.

        pyoverkiz registers a new listener after logging in again, leaving the
        old one on a local gateway until it expires.
        """
        await self._post(f"events/{listener_id}/unregister")


def create_client(hass: HomeAssistant, data: Mapping[str, Any]) -> BatchClient:
    """Return a client for the gateway described by entry data (not logged in yet).

    Each client gets its own session: the cloud login is a session cookie that must
    not leak between accounts. Home Assistant closes that session (at stop, or when
    the entry that created it unloads); never call ``client.close()``, which would
    close it too: unregister the event listener instead.
    """
    if data.get(CONF_API_TYPE) == API_TYPE_LOCAL:
        verify_ssl: bool = data.get(CONF_VERIFY_SSL, True)
        return BatchClient(
            server=create_local_server_config(host=data[CONF_HOST]),
            credentials=LocalTokenCredentials(data[CONF_TOKEN]),
            session=async_create_clientsession(hass, verify_ssl=verify_ssl),
            verify_ssl=verify_ssl,
        )
    return BatchClient(
        server=SUPPORTED_SERVERS[data[CONF_HUB]],
        credentials=UsernamePasswordCredentials(
            data[CONF_USERNAME], data[CONF_PASSWORD]
        ),
        session=async_create_clientsession(hass),
    )
