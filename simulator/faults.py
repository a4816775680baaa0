"""Injected faults: failed, dropped or slowed calls, per endpoint name."""

from __future__ import annotations

from collections import deque

from .errors import ERRORS

# Endpoint names, as counted in ``stats.calls`` and targeted by faults ("*": any).
ENDPOINTS = (
    "apiVersion",
    "login",
    "setup",
    "setup/devices",
    "setup/devices/{url}",
    "setup/devices/{url}/states",
    "setup/devices/states/refresh",
    "setup/devices/{url}/states/refresh",
    "setup/gateways",
    "events/register",
    "events/fetch",
    "events/unregister",
    "exec/apply",
    "actionGroups",
    "exec/{oid}",
    "exec/current",
    "exec/current/{id}",
    "exec/current/setup/{id}",
    "history/executions",
)
ANY = "*"


def _check_endpoint(endpoint: str) -> None:
    if endpoint != ANY and endpoint not in ENDPOINTS:
        raise ValueError(
            f"Unknown endpoint {endpoint!r}; known: {', '.join(ENDPOINTS)}"
        )


def _check_count(count: int) -> None:
    if count < 1:
        raise ValueError("count must be >= 1")


class Faults:
    """What to do wrong next, consumed call by call."""

    def __init__(self) -> None:
        self._failures: dict[str, deque[str]] = {}
        self._drops: dict[str, deque[bool]] = {}
        self.latency = 0.0

    def fail(self, endpoint: str, error: str, count: int = 1) -> None:
        """Answer the next ``count`` calls of ``endpoint`` with error ``error``."""
        _check_endpoint(endpoint)
        _check_count(count)
        if error not in ERRORS:
            raise ValueError(f"Unknown error {error!r}; known: {', '.join(ERRORS)}")
        self._failures.setdefault(endpoint, deque()).extend([error] * count)

    def drop(self, endpoint: str, count: int = 1, *, after: bool = False) -> None:
        """Close the connection of the next ``count`` calls without an answer.

        ``after``: the gateway handles the call first and only the answer is lost
        (an accepted execution the client never hears of).
        """
        _check_endpoint(endpoint)
        _check_count(count)
        self._drops.setdefault(endpoint, deque()).extend([after] * count)

    def set_latency(self, seconds: float) -> None:
        """Delay every API answer by ``seconds`` of loop time."""
        if seconds < 0:
            raise ValueError("latency must be >= 0")
        self.latency = seconds

    def clear(self) -> None:
        """Forget every pending fault and the latency."""
        self._failures.clear()
        self._drops.clear()
        self.latency = 0.0

    def take_failure(self, endpoint: str) -> str | None:
        """Consume and return the error to answer this call with, if any."""
        for key in (endpoint, ANY):
            queue = self._failures.get(key)
            if queue:
                return queue.popleft()
        return None

    def take_drop(self, endpoint: str) -> bool | None:
        """Consume a drop: None for none, else whether to drop after handling."""
        for key in (endpoint, ANY):
            queue = self._drops.get(key)
            if queue:
                return queue.popleft()
        return None

    def pending(self) -> dict[str, object]:
        """Pending faults, for the control path."""
        return {
            "fail": {
                key: list(queue) for key, queue in self._failures.items() if queue
            },
            "drop": {key: len(queue) for key, queue in self._drops.items() if queue},
            "latency": self.latency,
        }
