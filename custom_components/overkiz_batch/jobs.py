"""Job guards: per-entity concurrency and throttling for async methods.

The model of Home Assistant Supervisor's job decorator (``concurrency`` and
``throttle``), adapted to entities: guard state lives with each decorated object
(one entity), not with its class, and the ``GROUP_`` modes share state across the
objects of one :class:`JobGroup` (one gateway). Pure asyncio, no Home Assistant.

The one place saying where each mode is used, and why (the README points here):

- REJECT / QUEUE: a command for a busy device (``commands.py`` device guard, number
  writes), as the ``busy_mode`` option says: refused, or waits its turn.
- THROTTLE: an identify button (``button.py``); pressed again while the device
  still shows itself, the press is skipped: it would change nothing.
- RATE_LIMIT: every other button (``button.py``), 10 presses per 10 s each, so a
  hammered bell or a stuck automation cannot flood the gateway (translated error).
- GROUP_THROTTLE: ``update_entity`` (``entity.py``), one request per gateway.
- GROUP_RATE_LIMIT: ``execute_command`` (``commands.py``), 60 per 10 s a gateway.
- GROUP_QUEUE, GROUP_REJECT: not used. The gateway-wide operations (flush_queue,
  a state refresh) are already ordered by the action queue or throttled above;
  a group lock would add nothing, and refusing one would only make users retry.
"""

from __future__ import annotations

import asyncio
from collections import deque
from collections.abc import AsyncIterator, Awaitable, Callable, Coroutine
from contextlib import asynccontextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import timedelta
from enum import StrEnum
import functools
import inspect
import logging
import time
from typing import Any, Concatenate, Literal, Never, cast, overload
import weakref

_LOGGER = logging.getLogger(__name__)


class JobConcurrency(StrEnum):
    """How calls of one job may overlap.

    REJECT and QUEUE apply per object (one entity); GROUP_REJECT and GROUP_QUEUE
    apply to every group-guarded call of the object's group (one gateway).
    """

    REJECT = "reject"  # refuse while the object's previous call runs
    QUEUE = "queue"  # wait for it, first come first served
    GROUP_REJECT = "group_reject"  # refuse while any group-guarded call runs
    GROUP_QUEUE = "group_queue"  # wait for it


class JobThrottle(StrEnum):
    """How often one job may start.

    THROTTLE and RATE_LIMIT keep state per object; the GROUP_ versions keep it per
    decorated method and group, shared by the group's objects.
    """

    THROTTLE = "throttle"  # skip (return None) within the period of the last call
    RATE_LIMIT = "rate_limit"  # refuse beyond max calls per sliding period
    GROUP_THROTTLE = "group_throttle"
    GROUP_RATE_LIMIT = "group_rate_limit"


_GROUP_CONCURRENCY = frozenset(
    {JobConcurrency.GROUP_REJECT, JobConcurrency.GROUP_QUEUE}
)
_GROUP_THROTTLE = frozenset({JobThrottle.GROUP_THROTTLE, JobThrottle.GROUP_RATE_LIMIT})
_RATE_LIMIT = frozenset({JobThrottle.RATE_LIMIT, JobThrottle.GROUP_RATE_LIMIT})

type ConcurrencySetting = JobConcurrency | Callable[[Any], JobConcurrency | None]
type PeriodSetting = timedelta | Callable[[Any], timedelta]
# Throttles that refuse rather than skip: the decorated method keeps its result type.
type _NoSkip = Literal[JobThrottle.RATE_LIMIT, JobThrottle.GROUP_RATE_LIMIT]


class JobException(Exception):
    """A guarded call was refused (busy or rate limited)."""


def _now() -> float:
    """Clock of the throttles, in seconds; monotonic so wall-clock jumps do no harm."""
    return time.monotonic()


@dataclass(eq=False, slots=True)
class _JobRun:
    """One running guarded call, the unit that owns a group lock."""

    name: str
    task: asyncio.Task[Any] | None
    parent: _JobRun | None


# The guarded call running in this context. asyncio tasks copy the context, so a
# task spawned from a job sees its run too: _current_run() ignores a run that
# belongs to another task, which keeps the group lock with the job that took it.
_CURRENT_RUN: ContextVar[_JobRun | None] = ContextVar(
    "overkiz_batch_job_run", default=None
)


def _current_run() -> _JobRun | None:
    """Return the guarded call running in the current task, if any."""
    run = _CURRENT_RUN.get()
    if run is None or run.task is not asyncio.current_task():
        return None
    return run


def _inside(run: _JobRun | None, owner: _JobRun) -> bool:
    """Tell whether ``run`` is ``owner`` or was called from inside it."""
    while run is not None:
        if run is owner:
            return True
        run = run.parent
    return False


class JobGroup:
    """Objects whose GROUP_ guarded calls share one lock and group throttles.

    Entities of one gateway share its group. The lock is re-entrant for the job that
    holds it: a guarded call made from inside that job (in the same task) passes.
    A task spawned from the job does not: it waits (GROUP_QUEUE) or is refused
    (GROUP_REJECT) like any other caller, so the job must not await such a task.
    """

    def __init__(self, group_name: str) -> None:
        self._group_name = group_name
        self._lock = asyncio.Lock()
        self._owner: _JobRun | None = None
        self._outer_owners: list[_JobRun] = []
        self._busy = 0  # holders and waiters

    @property
    def group_name(self) -> str:
        """Return the group's name (used in messages)."""
        return self._group_name

    @property
    def active_job(self) -> str | None:
        """Return the name of the job holding the group lock, if any."""
        return self._owner.name if self._owner else None

    @property
    def has_lock(self) -> bool:
        """Tell whether the current job holds the group lock."""
        return self._owner is not None and _inside(_current_run(), self._owner)

    async def _acquire(
        self, run: _JobRun, *, wait: bool, error: type[Exception]
    ) -> None:
        """Take the lock for ``run``, or pass it down when run's caller holds it."""
        if self._owner is not None and _inside(run.parent, self._owner):
            self._outer_owners.append(self._owner)
            self._owner = run
            return
        if self._busy and not wait:
            raise error(f"Another job is running for job group {self._group_name}")
        self._busy += 1
        try:
            await self._lock.acquire()
        except BaseException:
            self._busy -= 1
            raise
        self._owner = run

    def _release(self) -> None:
        """Give the lock back to the outer job, or free it (calls nest, LIFO)."""
        if self._outer_owners:
            self._owner = self._outer_owners.pop()
            return
        self._owner = None
        self._busy -= 1
        self._lock.release()


@dataclass(slots=True)
class _GuardState:
    """Guard state of one job for one object (or one group)."""

    lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    busy: int = 0  # holders and waiters
    last_call: float | None = None
    calls: deque[float] = field(default_factory=deque)


class _StateByObject:
    """Guard states keyed by object identity, dropped with their object.

    Identity rather than a WeakKeyDictionary: entities need not be hashable and two
    equal objects must never share a guard.
    """

    def __init__(self) -> None:
        self._states: dict[int, tuple[weakref.ref[Any], _GuardState]] = {}

    def __len__(self) -> int:
        return len(self._states)

    def get(self, obj: object) -> _GuardState:
        key = id(obj)
        entry = self._states.get(key)
        if entry is not None and entry[0]() is obj:
            return entry[1]
        state = _GuardState()

        def forget(ref: weakref.ref[Any]) -> None:
            if (current := self._states.get(key)) is not None and current[0] is ref:
                del self._states[key]

        self._states[key] = (weakref.ref(obj, forget), state)
        return state


class Job[S]:
    """Decorator guarding an ``async def`` method with concurrency and throttle rules.

    ``concurrency`` may be a callable ``(obj) -> JobConcurrency | None`` read at each
    call, ``throttle_period`` a callable ``(obj) -> timedelta`` (entry options).
    Refusals raise ``on_condition`` (JobException by default). The group of a call
    is ``obj`` if it is a JobGroup, else ``obj.job_group``.

    A call skipped by THROTTLE or GROUP_THROTTLE returns None, so such a method's
    result is typed ``R | None``; with any other setting it stays ``R`` (``S`` is
    None or Never accordingly).
    """

    @overload
    def __init__(
        self: Job[Never],
        name: str,
        *,
        concurrency: ConcurrencySetting | None = None,
        throttle: _NoSkip | None = None,
        throttle_period: PeriodSetting | None = None,
        throttle_max_calls: int | None = None,
        on_condition: type[Exception] | None = None,
    ) -> None: ...

    @overload
    def __init__(
        self: Job[None],
        name: str,
        *,
        concurrency: ConcurrencySetting | None = None,
        throttle: JobThrottle,
        throttle_period: PeriodSetting | None = None,
        throttle_max_calls: int | None = None,
        on_condition: type[Exception] | None = None,
    ) -> None: ...

    def __init__(
        self,
        name: str,
        *,
        concurrency: ConcurrencySetting | None = None,
        throttle: JobThrottle | None = None,
        throttle_period: PeriodSetting | None = None,
        throttle_max_calls: int | None = None,
        on_condition: type[Exception] | None = None,
    ) -> None:
        if throttle is not None and throttle_period is None:
            raise RuntimeError(
                f"Job {name} is using throttle {throttle} without a throttle period"
            )
        if throttle in _RATE_LIMIT and (
            throttle_max_calls is None or throttle_max_calls < 1
        ):
            raise RuntimeError(
                f"Job {name} is using throttle {throttle} without throttle max calls"
            )
        self.name = name
        self.concurrency = concurrency
        self.throttle = throttle
        self.throttle_max_calls = throttle_max_calls
        self.on_condition: type[Exception] = on_condition or JobException
        self._throttle_period = throttle_period
        self._object_states = _StateByObject()
        self._group_states = _StateByObject()

    def __call__[T, **P, R](
        self, method: Callable[Concatenate[T, P], Awaitable[R]]
    ) -> Callable[Concatenate[T, P], Coroutine[Any, Any, R | S]]:
        """Wrap ``method``; the wrapper keeps its signature."""
        if not inspect.iscoroutinefunction(method):
            raise TypeError(f"Job {self.name} must decorate an async def method")

        @functools.wraps(method)
        async def wrapper(obj: T, /, *args: P.args, **kwargs: P.kwargs) -> R | S:
            result = await self._guard(obj, lambda: method(obj, *args, **kwargs))
            # None here is a skipped call, possible only when S is None.
            return cast("R | S", result)

        return wrapper

    def throttle_period(self, obj: object) -> timedelta:
        """Return the throttle period that applies to ``obj`` now."""
        period = self._throttle_period
        if period is None:
            raise RuntimeError(f"Job {self.name} has no throttle period")
        return period if isinstance(period, timedelta) else period(obj)

    def _concurrency_of(self, obj: object) -> JobConcurrency | None:
        setting = self.concurrency
        if setting is None or isinstance(setting, JobConcurrency):
            return setting
        return setting(obj)

    def _group_of(
        self, obj: object, concurrency: JobConcurrency | None
    ) -> JobGroup | None:
        """Return the call's group, or None when no GROUP_ mode needs it."""
        if concurrency is not None and concurrency in _GROUP_CONCURRENCY:
            mode: str = concurrency
        elif self.throttle is not None and self.throttle in _GROUP_THROTTLE:
            mode = self.throttle
        else:
            return None
        group = obj if isinstance(obj, JobGroup) else getattr(obj, "job_group", None)
        if not isinstance(group, JobGroup):
            raise RuntimeError(
                f"Job {self.name} uses {mode} but {type(obj).__name__} is not a "
                "JobGroup and has no JobGroup in job_group"
            )
        return group

    async def _guard[R](
        self, obj: object, call: Callable[[], Awaitable[R]]
    ) -> R | None:
        concurrency = self._concurrency_of(obj)
        group = self._group_of(obj, concurrency)
        run = _JobRun(self.name, asyncio.current_task(), _current_run())
        async with self._hold(obj, concurrency, group, run):
            if not self._may_start(obj, group):
                _LOGGER.debug("Job %s throttled for %r", self.name, obj)
                return None
            token = _CURRENT_RUN.set(run)
            try:
                return await call()
            finally:
                _CURRENT_RUN.reset(token)

    @asynccontextmanager
    async def _hold(
        self,
        obj: object,
        concurrency: JobConcurrency | None,
        group: JobGroup | None,
        run: _JobRun,
    ) -> AsyncIterator[None]:
        """Hold what ``concurrency`` asks for; release it on every way out."""
        if concurrency is None:
            yield
        elif group is not None and concurrency in _GROUP_CONCURRENCY:
            await group._acquire(
                run,
                wait=concurrency is JobConcurrency.GROUP_QUEUE,
                error=self.on_condition,
            )
            try:
                yield
            finally:
                group._release()
        else:
            state = self._object_states.get(obj)
            if concurrency is JobConcurrency.REJECT and state.busy:
                raise self.on_condition("Another job is running")
            state.busy += 1
            try:
                async with state.lock:
                    yield
            finally:
                state.busy -= 1

    def _may_start(self, obj: object, group: JobGroup | None) -> bool:
        """Apply the throttle; record the start when the call may go ahead."""
        if self.throttle is None:
            return True
        state = (
            self._group_states.get(group)
            if group is not None and self.throttle in _GROUP_THROTTLE
            else self._object_states.get(obj)
        )
        now = _now()
        period = self.throttle_period(obj)
        seconds = period.total_seconds()
        if self.throttle in _RATE_LIMIT:
            calls = state.calls
            while calls and calls[0] <= now - seconds:
                calls.popleft()
            if len(calls) >= (max_calls := self.throttle_max_calls or 0):
                raise self.on_condition(
                    f"Rate limit exceeded, more than {max_calls} calls in {period}"
                )
            calls.append(now)
        elif state.last_call is not None and now - state.last_call < seconds:
            return False
        state.last_call = now
        return True
