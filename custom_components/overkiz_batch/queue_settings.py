"""Settings and counters of the action queue (plain data, no asyncio)."""

from __future__ import annotations

from dataclasses import dataclass
import math


@dataclass(frozen=True, slots=True)
class ActionQueueSettings:
    """How the queue batches and retries.

    delay: seconds to collect commands before sending; 0 sends on the next
    event-loop turn, which still batches what one scene issues at once. With
    ``adaptive`` it is the longest a command may wait.
    max_actions: a batch is sent at once when it holds this many devices.
    retry_deadline: seconds during which a batch the gateway refused as busy is
    retried; its callers get the error after that.
    adaptive: collect for ``delay`` only while our executions pile up (from
    ``busy_executions`` running or unanswered); otherwise send once no command
    came for ``quiet_gap`` seconds. Off by default: the plain fixed window of
    pyoverkiz's queue.
    """

    delay: float = 0.5
    max_actions: int = 20
    retry_deadline: float = 30.0
    adaptive: bool = False
    quiet_gap: float = 0.02
    busy_executions: int = 2

    def __post_init__(self) -> None:
        """Refuse values that would stall or break the queue."""
        _check_seconds("delay", self.delay)
        _check_seconds("retry_deadline", self.retry_deadline)
        _check_seconds("quiet_gap", self.quiet_gap)
        _check_count("max_actions", self.max_actions, 1)
        _check_count("busy_executions", self.busy_executions, 0)
        if not isinstance(self.adaptive, bool):
            raise ValueError(f"adaptive must be a bool, got {self.adaptive!r}")


def _check_seconds(name: str, value: object) -> None:
    if (
        not isinstance(value, int | float)
        or isinstance(value, bool)
        or not math.isfinite(value)
        or value < 0
    ):
        raise ValueError(f"{name} must be a finite number >= 0, got {value!r}")


def _check_count(name: str, value: object, least: int) -> None:
    if not isinstance(value, int) or isinstance(value, bool) or value < least:
        raise ValueError(f"{name} must be an integer >= {least}, got {value!r}")


@dataclass(slots=True)
class ActionQueueStats:
    """Counters for diagnostics."""

    adds: int = 0  # add() and run_alone() calls accepted
    batches: int = 0  # batches the gateway accepted
    actions: int = 0  # actions (one per device) in accepted batches
    retries: int = 0  # sends repeated after back pressure
    failures: int = 0  # batches whose callers got an error
    largest_batch: int = 0  # most actions in one accepted batch
    splits: int = 0  # refused batches split and sent again by caller
    overtakes: int = 0  # batches sent while an earlier answer was late
