"""The gateway's event listener: read one fetch at a time, its breaks noticed.

A listener expires when nobody fetches it for a while, and pyoverkiz registers
a new one whenever it logs in again: the events in between are lost. Each break
counts (``epoch``), so that a lookup can tell whether it saw every event since a
batch was sent; the coordinator then reads every device again.
"""

from __future__ import annotations

import asyncio
from collections import OrderedDict
import logging
from typing import TYPE_CHECKING, Any

from pyoverkiz.exceptions import (
    InvalidEventListenerIdError,
    NoRegisteredEventListenerError,
)

from .client import async_unregister_listener

if TYPE_CHECKING:
    from collections.abc import Callable, Mapping

    from pyoverkiz.client import OverkizClient
    from pyoverkiz.models import Event

_LOGGER = logging.getLogger(__package__)

# Registered executions remembered by label, for a lost answer's lookup.
REGISTERED_KEPT = 64


class EventListener:
    """Fetch a gateway's events, registering a new listener when it lost ours."""

    def __init__(self, client: OverkizClient, entry_data: Mapping[str, Any]) -> None:
        """Follow the listener ``client`` registered at login."""
        self._client = client
        self._entry_data = entry_data
        self._listener_id = client.event_listener_id  # the one whose events we read
        self.epoch = 0  # breaks so far: events lost in between
        self._fetching = asyncio.Lock()  # one fetch at a time
        self._registered: OrderedDict[str, str] = OrderedDict()  # label -> exec id

    async def async_fetch(self, apply: Callable[[Event], None]) -> tuple[bool, bool]:
        """Fetch the events and apply each; return (any events, events were lost)."""
        async with self._fetching:
            events, lost = await self._async_fetch()
            for event in events:
                apply(event)
        return bool(events), lost

    async def _async_fetch(self) -> tuple[list[Event], bool]:
        client = self._client
        lost = False
        try:
            events = await client.fetch_events()
        except InvalidEventListenerIdError, NoRegisteredEventListenerError:
            _LOGGER.debug("Event listener expired, registering a new one")
            self._listener_id = None  # gone: nothing to unregister
            lost = True
            await client.register_event_listener()
            events = []
        if client.event_listener_id != self._listener_id:
            # A new listener (expired, or a new session, here or in any request
            # pyoverkiz logged in again for).
            old, self._listener_id = self._listener_id, client.event_listener_id
            self.epoch += 1
            if old is not None:
                lost = True
                await self._async_unregister(old)
        return events, lost

    def registered(self, label: str) -> str | None:
        """Return the id of the execution the gateway registered with ``label``."""
        return self._registered.get(label)

    def async_execution_registered(self, label: str, exec_id: str) -> None:
        """Remember the latest executions the gateway registered, by label."""
        self._registered[label] = exec_id
        while len(self._registered) > REGISTERED_KEPT:
            self._registered.popitem(last=False)

    async def _async_unregister(self, listener_id: str) -> None:
        """Let the gateway forget a listener pyoverkiz replaced (if it still has it)."""
        try:
            await async_unregister_listener(self._client, self._entry_data, listener_id)
        except Exception:  # it expires on its own
            _LOGGER.debug(
                "Could not unregister listener %s", listener_id, exc_info=True
            )

    async def async_close(self) -> None:
        """Let the gateway forget our listeners (at unload)."""
        current = self._client.event_listener_id
        if self._listener_id not in (None, current):
            # A new login replaced it (2.1) or cleared it until the next fetch (2.3).
            await self._async_unregister(self._listener_id)
        if current is None:
            return
        try:
            await self._client.unregister_event_listener()
        except Exception:  # the gateway may be gone: unload anyway
            _LOGGER.debug("Could not unregister the event listener", exc_info=True)
