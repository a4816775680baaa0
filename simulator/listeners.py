"""Event listeners of a gateway: register, buffer, fetch and expire them.

A mixin of ``GatewayCore``: it reads the core's listeners, mode and timeouts.
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Any

from .errors import api_error
from .records import Listener
from .wire import _as_text

if TYPE_CHECKING:
    from .devices import SimDevice


class ListenerHub:
    """Events to listeners: what ``events/register`` and ``events/{id}/fetch`` do."""

    cloud: bool
    setup_oid: str
    listener_timeout: float
    min_fetch_interval: float | None
    listeners: dict[str, Listener]

    if TYPE_CHECKING:  # provided by GatewayCore

        def new_id(self) -> str:  # noqa: D102
            ...

        @staticmethod
        def _now() -> float: ...

    def emit(self, event: dict[str, Any]) -> None:
        """Queue an event on every live listener."""
        if not self.listeners:
            return
        if self.cloud:
            event = {
                "timestamp": int(time.time() * 1000),
                "setupOID": self.setup_oid,
                **event,
            }
        now = self._now()
        for listener_id, listener in list(self.listeners.items()):
            if now - listener.last_fetch > self.listener_timeout:
                del self.listeners[listener_id]
            else:
                listener.events.append(event)

    def emit_states(self, device: SimDevice, changed: list[dict[str, Any]]) -> None:
        """Emit a DeviceStateChangedEvent for the states that changed, if any."""
        if not changed:
            return
        if self.cloud:
            changed = [dict(state, value=_as_text(state["value"])) for state in changed]
        self.emit(
            {
                "name": "DeviceStateChangedEvent",
                "deviceURL": device.url,
                "deviceStates": changed,
            }
        )

    def register_listener(self, owner: str) -> str:
        """Register a listener; on the cloud it replaces the session's previous one."""
        if self.cloud:
            for listener_id, listener in list(self.listeners.items()):
                if listener.owner == owner:
                    del self.listeners[listener_id]
        listener_id = self.new_id()
        self.listeners[listener_id] = Listener(listener_id, owner, self._now())
        return listener_id

    def live_listener(self, listener_id: str) -> Listener:
        """Return the listener, or raise the error for an unknown/expired one."""
        listener = self.listeners.get(listener_id)
        if listener is not None and (
            self._now() - listener.last_fetch > self.listener_timeout
        ):
            del self.listeners[listener_id]
            listener = None
        if listener is None:
            if self.cloud:
                raise api_error("INVALID_EVENT_LISTENER_ID", listener=listener_id)
            raise api_error("NO_REGISTERED_EVENT_LISTENER")
        return listener

    def fetch(self, listener_id: str) -> list[dict[str, Any]]:
        """Hand over and forget the listener's buffered events."""
        listener = self.live_listener(listener_id)
        now = self._now()
        if (
            self.min_fetch_interval is not None
            and listener.fetched_at is not None
            and now - listener.fetched_at < self.min_fetch_interval
        ):
            raise api_error("TOO_MANY_REQUESTS")
        listener.last_fetch = listener.fetched_at = now
        events = list(listener.events)
        listener.events.clear()
        return events

    def drop_listeners(self, owner: str | None = None) -> None:
        """Forget every listener (or those of one session)."""
        for listener_id, listener in list(self.listeners.items()):
            if owner is None or listener.owner == owner:
                del self.listeners[listener_id]
