"""Guarded objects the job guard tests share."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from typing import Any

from custom_components.overkiz_batch.jobs import (
    Job,
    JobConcurrency,
    JobGroup,
    JobThrottle,
)


class BusyError(Exception):
    """A caller's own refusal error (Home Assistant code passes its own)."""


async def turns(count: int = 5) -> None:
    """Let the event loop run other tasks for a few turns."""
    for _ in range(count):
        await asyncio.sleep(0)


class Device:
    """An entity: guarded calls that wait on a gate and record what ran."""

    def __init__(self, group: JobGroup | None = None) -> None:
        self.job_group = group
        self.gate = asyncio.Event()
        self.gate.set()
        self.log: list[str] = []
        self.running = 0

    async def _work(self, label: str) -> str:
        assert self.running == 0, "two guarded calls overlapped"
        self.running += 1
        self.log.append(f"start {label}")
        try:
            await self.gate.wait()
        finally:
            self.running -= 1
        self.log.append(f"end {label}")
        return label

    @Job(name="device_queue", concurrency=JobConcurrency.QUEUE)
    async def queued(self, label: str) -> str:
        return await self._work(label)

    @Job(name="device_reject", concurrency=JobConcurrency.REJECT)
    async def rejecting(self, label: str) -> str:
        return await self._work(label)

    @Job(
        name="device_reject_own_error",
        concurrency=JobConcurrency.REJECT,
        on_condition=BusyError,
    )
    async def rejecting_own_error(self, label: str) -> str:
        return await self._work(label)

    @Job(
        name="device_throttle",
        throttle=JobThrottle.THROTTLE,
        throttle_period=timedelta(seconds=10),
    )
    async def throttled(self, label: str) -> str:
        self.log.append(label)
        return label

    @Job(
        name="device_queue_throttle",
        concurrency=JobConcurrency.QUEUE,
        throttle=JobThrottle.THROTTLE,
        throttle_period=timedelta(hours=1),
    )
    async def queued_throttled(self, label: str) -> str:
        return await self._work(label)

    @Job(
        name="device_reject_throttle",
        concurrency=JobConcurrency.REJECT,
        throttle=JobThrottle.THROTTLE,
        throttle_period=timedelta(hours=1),
    )
    async def rejecting_throttled(self, label: str) -> str:
        return await self._work(label)

    @Job(name="device_group_reject", concurrency=JobConcurrency.GROUP_REJECT)
    async def group_rejecting(self, label: str) -> str:
        return await self._work(label)

    @Job(name="device_group_queue", concurrency=JobConcurrency.GROUP_QUEUE)
    async def group_queued(self, label: str) -> str:
        return await self._work(label)

    @Job(
        name="device_group_throttle",
        throttle=JobThrottle.GROUP_THROTTLE,
        throttle_period=timedelta(seconds=10),
    )
    async def group_throttled(self, label: str) -> str:
        self.log.append(label)
        return label


class Failing:
    """Guarded calls that fail or are cancelled."""

    def __init__(self, group: JobGroup | None = None) -> None:
        self.job_group = group
        self.gate = asyncio.Event()
        self.ran: list[str] = []

    @Job(name="failing_reject", concurrency=JobConcurrency.REJECT)
    async def reject_fail(self) -> None:
        raise ValueError("boom")

    @Job(name="failing_queue", concurrency=JobConcurrency.QUEUE)
    async def queue_wait(self, label: str) -> None:
        self.ran.append(label)
        await self.gate.wait()

    @Job(name="failing_group_queue", concurrency=JobConcurrency.GROUP_QUEUE)
    async def group_wait(self, label: str) -> None:
        self.ran.append(label)
        await self.gate.wait()

    @Job(name="failing_group_reject", concurrency=JobConcurrency.GROUP_REJECT)
    async def group_fail(self) -> None:
        raise ValueError("boom")


def rate_limited_class(error: type[Exception] | None, **job: Any) -> type[Any]:
    """A class with a rate-limited method; `error` is its on_condition."""

    class Limited:
        def __init__(self, group: JobGroup | None = None) -> None:
            self.job_group = group
            self.calls = 0

        @Job(
            name="limited",
            throttle_period=timedelta(hours=1),
            throttle_max_calls=2,
            on_condition=error,
            **job,
        )
        async def execute(self) -> int:
            self.calls += 1
            return self.calls

    return Limited


class RejectRateLimited:
    def __init__(self) -> None:
        self.gate = asyncio.Event()
        self.calls = 0

    @Job(
        name="reject_rate_limited",
        concurrency=JobConcurrency.REJECT,
        throttle=JobThrottle.RATE_LIMIT,
        throttle_period=timedelta(hours=1),
        throttle_max_calls=1,
        on_condition=BusyError,
    )
    async def execute(self, wait: bool = False) -> None:
        if wait:
            await self.gate.wait()
        self.calls += 1
