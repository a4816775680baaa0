"""The aiohttp session of a gateway: every request bounded, executions sent once.

pyoverkiz sends a POST again after a timeout or a dropped connection, and
retries a busy gateway (TOO_MANY_EXECUTIONS) for up to five minutes. For an
execution (``exec/apply``, a scenario's ``exec/{oid}``) the first would run it
twice when only the answer was lost, the second would hold the action queue,
which owns back pressure. pyoverkiz has no setting for either, so this
session's middleware turns those failures of an execution request into errors
pyoverkiz does not retry; the sender (sender.py) then finds out what became of
it. A request that never reached the gateway is still retried by pyoverkiz.
"""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING

from aiohttp import ClientError, ClientTimeout, ServerDisconnectedError
from homeassistant.helpers.aiohttp_client import async_create_clientsession
from pyoverkiz.exceptions import ExecutionQueueFullError, TooManyExecutionsError
from pyoverkiz.response_handler import check_response

from .errors import NOT_SENT_ERRORS, AnswerLostError

if TYPE_CHECKING:
    from aiohttp import ClientRequest, ClientResponse, ClientSession
    from aiohttp.client_middlewares import ClientHandlerType
    from homeassistant.core import HomeAssistant

# Seconds a request to the gateway may take, all in (a user waits this long for a
# command at worst), and to open its connection.
REQUEST_TIMEOUT = 15.0
CONNECT_TIMEOUT = 10.0
# An execution request ends a little earlier, inside the middleware: a timeout of
# the whole request would reach pyoverkiz as one it sends again.
EXECUTION_TIMEOUT = REQUEST_TIMEOUT - 1.0


def create_session(hass: HomeAssistant, *, verify_ssl: bool = True) -> ClientSession:
    """Return a session of its own for one client (its login cookie stays there)."""
    return async_create_clientsession(
        hass,
        verify_ssl=verify_ssl,
        timeout=ClientTimeout(total=REQUEST_TIMEOUT, sock_connect=CONNECT_TIMEOUT),
        middlewares=(_send_executions_once,),
    )


def is_execution(request: ClientRequest) -> bool:
    """Tell whether a request asks the gateway to run something."""
    return request.method == "POST" and "/exec/" in request.url.path


async def _send_executions_once(
    request: ClientRequest, handler: ClientHandlerType
) -> ClientResponse:
    """Send an execution request; a lost answer or busy gateway is not retried."""
    if not is_execution(request):
        return await handler(request)
    try:
        async with asyncio.timeout(EXECUTION_TIMEOUT):
            response = await handler(request)
            await response.read()  # the whole answer, within the bound
    except NOT_SENT_ERRORS:
        raise  # it never reached the gateway: pyoverkiz may send it again
    except (TimeoutError, ClientError) as err:
        raise AnswerLostError(
            str(err) or type(err).__name__,
            disconnected=isinstance(err, ServerDisconnectedError),
        ) from err
    if not response.ok:
        try:
            await check_response(response)
        except TooManyExecutionsError as err:
            # Busy: the action queue retries it, in order, within its deadline.
            raise ExecutionQueueFullError(str(err)) from err
    return response
