"""Send one action group to the gateway at most once (the action queue's executor).

Each batch's label gets a unique tag, by which it is found among the gateway's
executions when the answer to ``exec/apply`` is lost. It is sent again only when
it certainly did not reach the gateway.
"""

from __future__ import annotations

import asyncio
from asyncio import sleep
import logging
import secrets
from typing import TYPE_CHECKING, Protocol

from pyoverkiz.exceptions import BaseOverkizError

from .action_queue import NotTakenError
from .const import EXECUTION_LABEL
from .errors import (
    NOT_SENT_ERRORS,
    AnswerLostError,
    ExecutionOutcomeUnknownError,
    lost_on_the_way,
)
from .logs import own_requests

if TYPE_CHECKING:
    from pyoverkiz.client import OverkizClient
    from pyoverkiz.models import Action

_LOGGER = logging.getLogger(__package__)

# After a dropped connection the gateway may register the batch a moment later:
# seconds to wait before looking again, and sending it again if still absent.
LOOKUP_RECHECK_DELAY = 1.0
# Seconds the lookup of a lost answer may take in all: a gateway that does not
# answer it leaves the outcome unknown.
LOOKUP_TIMEOUT = 15.0


class RegisteredExecutions(Protocol):
    """What the gateway's event listener saw registered, by label."""

    @property
    def listener_epoch(self) -> int:
        """Count of listeners replaced so far: while unchanged, no event was lost."""

    async def async_find_registered(self, label: str) -> str | None:
        """Read the listener's events now; return the id registered with ``label``."""


class ExecutionSender:
    """The queue's executor: one action group, run by the gateway at most once."""

    def __init__(self, client: OverkizClient, registered: RegisteredExecutions) -> None:
        """Send through ``client``; look lost answers up in ``registered`` too."""
        self.client = client
        self._registered = registered

    async def __call__(self, actions: list[Action], label: str | None) -> str:
        """Send a batch; return its execution id.

        Raises NotTakenError when its request certainly never reached the
        gateway, the gateway's failure when it refused it, and
        ExecutionOutcomeUnknownError when whether it did cannot be known.
        """
        own_requests()
        tagged = f"{label or EXECUTION_LABEL} #{secrets.token_hex(4)}"
        try:
            return await self._async_apply(actions, tagged)
        except AnswerLostError as err:  # lost on its way: certainly not taken
            # The queue sends it again, unless a stop overtook it meanwhile.
            _LOGGER.debug("Batch %s lost on the way", tagged)
            raise NotTakenError(str(err)) from err

    async def _async_apply(self, actions: list[Action], tagged: str) -> str:
        """Send a batch; after a failure that leaves it unclear, ask the gateway."""
        epoch = self._registered.listener_epoch
        try:
            # Keyword arguments: pyoverkiz 2.x takes them keyword-only.
            return await self.client.execute_action_group(actions=actions, label=tagged)
        except (BaseOverkizError, *NOT_SENT_ERRORS):
            raise  # the gateway's answer, or nothing was sent
        except Exception as err:
            try:
                async with asyncio.timeout(LOOKUP_TIMEOUT):
                    exec_id = await self._async_find_execution(tagged, err, epoch)
            except Exception as lookup_err:
                raise ExecutionOutcomeUnknownError.after_lookup(
                    err, lookup_err
                ) from err
            if exec_id is not None:
                _LOGGER.debug(
                    "Batch %s was taken as %s despite %r", tagged, exec_id, err
                )
                return exec_id
            if isinstance(err, AnswerLostError) and not err.disconnected:
                # Timed out: it may still reach the gateway.
                raise ExecutionOutcomeUnknownError(str(err)) from err
            raise  # certainly not taken

    async def _async_find_execution(
        self, label: str, err: Exception, epoch: int
    ) -> str | None:
        """Return the id of the execution with this label; None when never taken.

        The gateway registers a batch before it answers, and the listener then
        reports it with our label, even when it ended at once. After a dropped
        connection (``err``, the one case the batch may be sent again) the
        gateway gets a moment to register it; then, if the listener ran
        without a break since the batch was sent (``epoch``), no registration
        event means it was never taken. Else only the history (cloud) can
        tell; without one, the outcome is unknown (the lookup raises).
        """
        if (exec_id := await self._async_find(label)) is not None:
            return exec_id
        resend = lost_on_the_way(err)
        if resend:
            await sleep(LOOKUP_RECHECK_DELAY)
            if (exec_id := await self._async_find(label)) is not None:
                return exec_id
            if self._registered.listener_epoch == epoch:
                return None
        history = await self.client.get_execution_history()
        return next((past.id for past in history if past.label == label), None)

    async def _async_find(self, label: str) -> str | None:
        """Return the id of the execution with this label, registered or running."""
        if (exec_id := await self._registered.async_find_registered(label)) is not None:
            return exec_id
        return await self._async_find_running(label)

    async def _async_find_running(self, label: str) -> str | None:
        """Return the id of the running execution with this label."""
        for execution in await self.client.get_current_executions():
            group = execution.action_group
            if group is not None and group.label == label:
                return execution.id
        return None
