"""Job guards: throttle and rate limit per object.

Time is frozen with the ``freezer`` fixture; calls in flight are held by events, so
no test sleeps.
"""

from __future__ import annotations

import asyncio
from datetime import timedelta

from freezegun.api import FrozenDateTimeFactory
import pytest

from custom_components.overkiz_batch.jobs import (
    JobException,
    JobThrottle,
)
from tests.job_devices import (
    BusyError,
    Device,
    RejectRateLimited,
    rate_limited_class,
    turns,
)

# Throttle and rate limit


async def test_throttle_skips_calls_within_the_period(
    freezer: FrozenDateTimeFactory,
) -> None:
    device, other = Device(), Device()
    assert await device.throttled("a") == "a"
    assert await device.throttled("b") is None
    assert await other.throttled("other") == "other"

    freezer.tick(timedelta(seconds=9.9))
    assert await device.throttled("c") is None
    freezer.tick(timedelta(seconds=0.1))
    assert await device.throttled("d") == "d"
    assert device.log == ["a", "d"]
    assert other.log == ["other"]


async def test_throttle_period_counts_from_the_last_started_call(
    freezer: FrozenDateTimeFactory,
) -> None:
    device = Device()
    await device.throttled("a")
    freezer.tick(timedelta(seconds=5))
    assert await device.throttled("skipped") is None
    # A skipped call does not restart the period.
    freezer.tick(timedelta(seconds=5))
    assert await device.throttled("b") == "b"


async def test_queue_with_throttle_skips_the_queued_calls(
    freezer: FrozenDateTimeFactory,
) -> None:
    device = Device()
    device.gate.clear()
    tasks = [asyncio.create_task(device.queued_throttled(str(i))) for i in range(3)]
    await turns()
    device.gate.set()
    assert await asyncio.gather(*tasks) == ["0", None, None]
    assert await device.queued_throttled("later") is None
    assert device.log == ["start 0", "end 0"]

    freezer.tick(timedelta(hours=1))
    assert await device.queued_throttled("next hour") == "next hour"


@pytest.mark.parametrize("error", [None, BusyError])
async def test_rate_limit(
    freezer: FrozenDateTimeFactory, error: type[Exception] | None
) -> None:
    limited = rate_limited_class(error, throttle=JobThrottle.RATE_LIMIT)()
    other = rate_limited_class(error, throttle=JobThrottle.RATE_LIMIT)()
    assert list(await asyncio.gather(limited.execute(), limited.execute())) == [1, 2]

    freezer.tick(timedelta(milliseconds=1))
    with pytest.raises(
        error or JobException,
        match=r"Rate limit exceeded, more than 2 calls in 1:00:00",
    ):
        await limited.execute()
    assert limited.calls == 2
    assert await other.execute() == 1

    freezer.tick(timedelta(hours=1))
    assert await limited.execute() == 3


async def test_rate_limit_window_slides(freezer: FrozenDateTimeFactory) -> None:
    limited = rate_limited_class(None, throttle=JobThrottle.RATE_LIMIT)()
    await limited.execute()
    freezer.tick(timedelta(minutes=30))
    await limited.execute()
    freezer.tick(timedelta(minutes=30))
    # The first call left the window, the second has not.
    await limited.execute()
    with pytest.raises(JobException):
        await limited.execute()
    freezer.tick(timedelta(minutes=30))
    await limited.execute()
    assert limited.calls == 4


async def test_reject_with_throttle() -> None:
    device = Device()
    device.gate.clear()
    tasks = [asyncio.create_task(device.rejecting_throttled(str(i))) for i in range(3)]
    await turns()
    device.gate.set()
    results = await asyncio.gather(*tasks, return_exceptions=True)
    assert results[0] == "0"
    assert all(isinstance(result, JobException) for result in results[1:])
    assert await device.rejecting_throttled("later") is None
    assert device.log == ["start 0", "end 0"]


async def test_reject_with_rate_limit(freezer: FrozenDateTimeFactory) -> None:
    limited = RejectRateLimited()
    first = asyncio.create_task(limited.execute(wait=True))
    await turns()
    results = await asyncio.gather(
        limited.execute(), limited.execute(), return_exceptions=True
    )
    assert [str(result) for result in results] == ["Another job is running"] * 2
    limited.gate.set()
    await first
    assert limited.calls == 1

    freezer.tick(timedelta(milliseconds=1))
    with pytest.raises(BusyError, match="Rate limit exceeded"):
        await limited.execute()
    assert limited.calls == 1

    freezer.tick(timedelta(hours=1))
    await limited.execute()
    assert limited.calls == 2
