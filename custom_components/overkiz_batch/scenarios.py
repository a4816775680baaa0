"""The scenarios users build in their vendor app (action groups), run at most once.

The cloud keeps them (``GET actionGroups``) and runs one on ``exec/{oid}`` as an
execution of its own. Developer mode lists them too but runs nothing when asked
(Somfy's TaHoma developer mode does not support scenarios), so a local entry has
none. A scenario carries no label of ours: when the answer to ``exec/{oid}`` is
lost, its execution is looked up by what the gateway reports for it (sub type,
label and commands, started since we sent it).
"""

from __future__ import annotations

from asyncio import sleep
from collections import deque
import logging
import time
from typing import TYPE_CHECKING, Final

from homeassistant.core import CALLBACK_TYPE, callback
from homeassistant.exceptions import ServiceValidationError
from pyoverkiz.enums import EventName, ExecutionSubType
from pyoverkiz.exceptions import BaseOverkizError

from .action_queue import NotTakenError
from .const import DOMAIN
from .errors import (
    NOT_SENT_ERRORS,
    TRANSIENT_ERRORS,
    ExecutionOutcomeUnknownError,
    log_unexpected,
    lost_on_the_way,
)

if TYPE_CHECKING:
    from collections.abc import Iterable

    from pyoverkiz.models import Action, PersistedActionGroup

    from .coordinator import OverkizBatchCoordinator

_LOGGER = logging.getLogger(__package__)

# Events telling that the user added, changed or deleted a scenario in the app.
SCENARIO_EVENTS: Final = frozenset(
    {
        EventName.ACTION_GROUP_CREATED,
        EventName.ACTION_GROUP_UPDATED,
        EventName.ACTION_GROUP_DELETED,
    }
)
# How far the gateway's clock may be behind ours when matching a start time.
CLOCK_SKEW_MS: Final = 30_000
# Seconds to wait before looking again for a scenario lost on a dropped connection.
RECHECK_DELAY: Final = 1.0
# Our recent scenario executions, never taken for a later run's lost answer.
_RECENT_KEPT: Final = 32

type Commands = tuple[str, tuple[tuple[str, str], ...]]

# A failed read of the scenarios that the next poll may not meet again.
EXPECTED_ERRORS: tuple[type[Exception], ...] = (*TRANSIENT_ERRORS, BaseOverkizError)


def _signature(label: str | None, commands: Iterable[tuple[str, str]]) -> Commands:
    """Return what identifies a scenario's execution: its label and commands."""
    return label or "", tuple(sorted(commands))


def scenario_signature(scenario: PersistedActionGroup) -> Commands:
    """Return the signature of the executions ``exec/{oid}`` starts for it."""
    return _signature(scenario.label, _commands(scenario.actions))


class GatewayScenarios:
    """One gateway's scenarios: read when they change, each run at most once."""

    def __init__(self, coordinator: OverkizBatchCoordinator, *, enabled: bool) -> None:
        """Keep nothing yet; an enabled set is read at the coordinator's next poll."""
        self._coordinator = coordinator
        self.enabled = enabled
        self.by_oid: dict[str, PersistedActionGroup] = {}
        self.loaded = False  # by_oid is what the gateway last listed
        self.stale = enabled
        self._failing = False  # the last read failed
        self._listeners: list[CALLBACK_TYPE] = []
        self._recent: deque[str] = deque(maxlen=_RECENT_KEPT)

    @callback
    def async_add_listener(self, listener: CALLBACK_TYPE) -> CALLBACK_TYPE:
        """Call ``listener`` when the list of scenarios changed."""
        self._listeners.append(listener)
        return lambda: self._listeners.remove(listener)

    @callback
    def async_mark_stale(self) -> None:
        """Read the scenarios again at the next poll (the app changed them)."""
        self.stale = self.enabled

    async def async_refresh(self) -> None:
        """Read the scenarios when they may have changed; a failure waits a poll."""
        if not self.stale:
            return
        try:
            groups = await self._coordinator.client.get_action_groups()
        except Exception as err:  # tried again at the next poll
            if isinstance(err, EXPECTED_ERRORS) or self._failing:
                _LOGGER.debug("Could not read the scenarios, next poll: %r", err)
            else:  # logged once until a read works again
                log_unexpected(err, "reading the scenarios")
            self._failing = True
            return
        self.stale = self._failing = False
        by_oid = {group.oid: group for group in groups if self._ours(group)}
        changed = not self.loaded or by_oid != self.by_oid
        self.by_oid, self.loaded = by_oid, True
        if changed:
            for listener in list(self._listeners):
                listener()

    def _ours(self, group: PersistedActionGroup) -> bool:
        """Tell whether a scenario belongs to this entry's gateway.

        An account's scenarios are listed to each of its gateways' entries; one
        belongs to the gateway of its first device, so it gets one scene.
        """
        coordinator = self._coordinator
        gateway_ids = [g.gateway_id for g in coordinator.setup.gateways]
        first = group.actions[0].device_url if group.actions else ""
        gateway_id = first.split("/")[2] if first.count("/") >= 2 else ""
        if gateway_id in gateway_ids:
            return gateway_id == coordinator.gateway_id
        return bool(gateway_ids) and gateway_ids[0] == coordinator.gateway_id

    async def async_run(self, oid: str, entity_id: str | None = None) -> str:
        """Run a scenario after what is queued; return its execution id.

        Its execution is tracked like ours: a failure fires the failure event
        with ``entity_id``.
        """
        scenario = self.by_oid.get(oid)
        if scenario is None:
            raise ServiceValidationError(
                translation_domain=DOMAIN,
                translation_key="unknown_scenario",
                translation_placeholders={"scenario": oid},
            )
        coordinator = self._coordinator
        exec_id = await coordinator.commands.queue.run_alone(
            lambda: self._async_send(scenario), scenario.label
        )
        self._recent.append(exec_id)
        coordinator.commands.async_track(
            exec_id, scenario.actions, label=scenario.label, entity_id=entity_id
        )
        return exec_id

    async def _async_send(self, scenario: PersistedActionGroup) -> str:
        """Ask the gateway to run the scenario; after a lost answer, look it up.

        NotTakenError (the queue sends it again) only when the connection
        dropped and the gateway, asked twice, has no such execution running
        nor in its history; after a
        timeout, that it has none yet says nothing (outcome unknown).
        """
        client = self._coordinator.client
        known = {
            *self._recent,
            *(e.exec_id for e in self._coordinator.executions.values()),
        }
        since = time.time() * 1000 - CLOCK_SKEW_MS
        try:
            return await client.execute_persisted_action_group(scenario.oid)
        except (BaseOverkizError, *NOT_SENT_ERRORS):
            raise  # the gateway's answer, or nothing was sent
        except Exception as err:
            try:
                exec_id = await self._async_find(scenario, since, known, err)
            except Exception as lookup_err:
                raise ExecutionOutcomeUnknownError.after_lookup(
                    err, lookup_err
                ) from err
            if exec_id is not None:
                _LOGGER.debug("Scenario %s runs as %s", scenario.oid, exec_id)
                return exec_id
            if lost_on_the_way(err):  # the queue sends it again
                _LOGGER.debug("Scenario %s lost on the way", scenario.oid)
                raise NotTakenError(str(err)) from err
            if isinstance(err, TimeoutError):  # it may still reach the gateway
                raise ExecutionOutcomeUnknownError(
                    str(err) or type(err).__name__
                ) from err
            raise  # the gateway has not run it

    async def _async_find(
        self,
        scenario: PersistedActionGroup,
        since: float,
        known: set[str],
        err: Exception,
    ) -> str | None:
        """Return the id of the scenario's execution started since ``since``."""
        exec_id = await self._async_find_running(scenario, since, known)
        if exec_id is None and lost_on_the_way(err):
            await sleep(RECHECK_DELAY)  # it may register a moment later
            exec_id = await self._async_find_running(scenario, since, known)
        if exec_id is not None:
            return exec_id
        wanted = scenario_signature(scenario)
        for past in await self._coordinator.client.get_execution_history():
            if (
                past.id not in known
                and past.event_time >= since
                and past.execution_sub_type != ExecutionSubType.MANUAL_CONTROL
                and _signature(
                    past.label, ((c.device_url, c.command) for c in past.commands)
                )
                == wanted
            ):
                return past.id
        return None

    async def _async_find_running(
        self, scenario: PersistedActionGroup, since: float, known: set[str]
    ) -> str | None:
        wanted = scenario_signature(scenario)
        for execution in await self._coordinator.client.get_current_executions():
            group = execution.action_group
            if (
                group is not None
                and execution.id not in known
                and (execution.start_time or since) >= since
                and execution.execution_sub_type != ExecutionSubType.MANUAL_CONTROL
                and _signature(group.label, _commands(group.actions)) == wanted
            ):
                return execution.id
        return None


def _commands(actions: list[Action]) -> Iterable[tuple[str, str]]:
    return ((a.device_url, str(c.name)) for a in actions for c in a.commands)
