"""Job guards: mistakes caught early, and decorated methods staying what they were.

Time is frozen with the ``freezer`` fixture; calls in flight are held by events, so
no test sleeps.
"""

from __future__ import annotations

import asyncio
from datetime import timedelta
import gc
from typing import Any, assert_type

import pytest

from custom_components.overkiz_batch.jobs import (
    Job,
    JobConcurrency,
    JobException,
    JobThrottle,
)
from tests.job_devices import (
    Device,
    RejectRateLimited,
    turns,
)

# Mistakes caught early


def test_throttle_without_period_is_refused_at_decoration() -> None:
    for throttle in JobThrottle:
        with pytest.raises(RuntimeError, match="without a throttle period"):
            Job(name=f"no_period_{throttle}", throttle=throttle, throttle_max_calls=1)


@pytest.mark.parametrize("max_calls", [None, 0])
@pytest.mark.parametrize(
    "throttle", [JobThrottle.RATE_LIMIT, JobThrottle.GROUP_RATE_LIMIT]
)
def test_rate_limit_without_max_calls_is_refused_at_decoration(
    throttle: JobThrottle, max_calls: int | None
) -> None:
    with pytest.raises(RuntimeError, match="without throttle max calls"):
        Job(
            name="no_max_calls",
            throttle=throttle,
            throttle_period=timedelta(seconds=1),
            throttle_max_calls=max_calls,
        )


def test_a_plain_function_is_refused_at_decoration() -> None:
    def not_async(obj: object) -> None:
        return None

    with pytest.raises(TypeError, match="async def"):
        Job(name="not_async")(not_async)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "job",
    [
        {"concurrency": JobConcurrency.GROUP_REJECT},
        {"concurrency": JobConcurrency.GROUP_QUEUE},
        {
            "throttle": JobThrottle.GROUP_THROTTLE,
            "throttle_period": timedelta(seconds=1),
        },
        {
            "throttle": JobThrottle.GROUP_RATE_LIMIT,
            "throttle_period": timedelta(seconds=1),
            "throttle_max_calls": 1,
        },
    ],
)
@pytest.mark.parametrize("job_group", [None, "not a group", False])
async def test_group_mode_without_group_is_refused_at_first_call(
    job: dict[str, Any], job_group: Any
) -> None:
    class Lonely:
        def __init__(self) -> None:
            if job_group is not False:
                self.job_group = job_group
            self.ran = False

        @Job(name="lonely", **job)
        async def execute(self) -> None:
            self.ran = True

    lonely = Lonely()
    with pytest.raises(RuntimeError, match=r"Lonely is not a JobGroup"):
        await lonely.execute()
    assert not lonely.ran


# Decorated methods stay what they were


async def test_results_keep_their_type_unless_a_call_may_be_skipped() -> None:
    device = Device()
    assert_type(await device.queued("a"), str)
    assert_type(await device.throttled("b"), str | None)
    limited = RejectRateLimited()
    assert_type(await limited.execute(), None)


def test_throttle_period_of_a_job_without_one() -> None:
    job = Job(name="no_throttle")
    with pytest.raises(RuntimeError, match="no throttle period"):
        job.throttle_period(object())
    assert Job(
        name="period", throttle=JobThrottle.THROTTLE, throttle_period=lambda obj: obj
    ).throttle_period(timedelta(seconds=3)) == timedelta(seconds=3)


async def test_wrapper_keeps_name_doc_and_arguments() -> None:
    class Entity:
        @Job(name="documented", concurrency=JobConcurrency.QUEUE)
        async def set_position(self, position: int, *, fast: bool = False) -> str:
            """Move to a position."""
            return f"{position} {fast}"

    assert Entity.set_position.__name__ == "set_position"
    assert Entity.set_position.__doc__ == "Move to a position."
    assert await Entity().set_position(40, fast=True) == "40 True"


async def test_state_is_dropped_with_its_object() -> None:
    job = Job(name="weak", concurrency=JobConcurrency.QUEUE)

    class Entity:
        @job
        async def execute(self) -> None:
            return None

    entities = [Entity() for _ in range(3)]
    for entity in entities:
        await entity.execute()
    assert len(job._object_states) == 3

    del entity, entities
    gc.collect()
    assert len(job._object_states) == 0


async def test_unhashable_objects_are_guarded_by_identity() -> None:
    class Entity:
        __hash__ = None  # type: ignore[assignment]

        def __init__(self) -> None:
            self.gate = asyncio.Event()

        def __eq__(self, other: object) -> bool:
            return True

        @Job(name="unhashable", concurrency=JobConcurrency.REJECT)
        async def execute(self) -> None:
            await self.gate.wait()

    busy, free = Entity(), Entity()
    running = asyncio.create_task(busy.execute())
    await turns()
    free.gate.set()
    await free.execute()
    with pytest.raises(JobException):
        await busy.execute()
    busy.gate.set()
    await running
