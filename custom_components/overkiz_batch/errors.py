"""Sort pyoverkiz and transport errors into what Home Assistant should do with them."""

from __future__ import annotations

import logging
from typing import Final

from aiohttp import (
    ClientConnectorError,
    ClientError,
    ClientPayloadError,
    ConnectionTimeoutError,
    ContentTypeError,
)
from homeassistant.exceptions import HomeAssistantError
from pyoverkiz.exceptions import (
    BadCredentialsError,
    BaseOverkizError,
    InvalidCommandError,
    InvalidTokenError,
    MaintenanceError,
    MissingAuthorizationTokenError,
    NoSuchDeviceError,
    NoSuchTokenError,
    NotAuthenticatedError,
    ServiceUnavailableError,
    TooManyAttemptsBannedError,
    TooManyRequestsError,
    UnsupportedOperationError,
)

from .action_queue import BACK_PRESSURE_ERRORS, ActionQueueClosedError
from .const import DOMAIN
from .jobs import JobException

_LOGGER = logging.getLogger(__package__)

# A request failed before it reached the gateway: safe to send again.
NOT_SENT_ERRORS: Final = (ClientConnectorError, ConnectionTimeoutError)

# The gateway answered, but the answer cannot be read.
UNREADABLE_ANSWER_ERRORS: Final = (ValueError, ContentTypeError, ClientPayloadError)


class ExecutionOutcomeUnknownError(Exception):
    """A batch was sent, its answer lost, and whether the gateway runs it is unknown."""


# The gateway refuses the credentials: only the user can fix this (reauth).
AUTH_ERRORS: tuple[type[Exception], ...] = (
    BadCredentialsError,
    NotAuthenticatedError,
    MissingAuthorizationTokenError,
    NoSuchTokenError,
    InvalidTokenError,
    TooManyAttemptsBannedError,
)

# The gateway is busy (the queue retries these) or the cloud limits our requests.
RATE_LIMIT_ERRORS: tuple[type[Exception], ...] = (
    *BACK_PRESSURE_ERRORS,
    TooManyRequestsError,
)

# The gateway or the cloud is busy, down or unreachable: it recovers on its own.
TRANSIENT_ERRORS: tuple[type[Exception], ...] = (
    *RATE_LIMIT_ERRORS,
    MaintenanceError,
    ServiceUnavailableError,
    TimeoutError,
    ClientError,
)


def log_unexpected(err: BaseException, what: str) -> None:
    """Log an error nobody expected, with its traceback, once per error object.

    The callers of one batch share its error: it is logged for the first one.
    """
    if getattr(err, "_overkiz_batch_logged", False):
        return
    setattr(err, "_overkiz_batch_logged", True)  # noqa: B010
    _LOGGER.error("Unexpected error %s", what, exc_info=err)


def command_error(err: Exception, command: str) -> HomeAssistantError:
    """Return the translated error a caller of a command gets for ``err``.

    Every error gets a translation; an unexpected one is also logged with its
    traceback.
    """
    key: str
    if isinstance(err, ExecutionOutcomeUnknownError):
        key = "outcome_unknown"
    elif isinstance(err, JobException):
        key = "device_busy"
    elif isinstance(err, ActionQueueClosedError):
        key = "queue_closed"
    elif isinstance(err, AUTH_ERRORS):
        key = "authentication_failed"
    elif isinstance(err, RATE_LIMIT_ERRORS):
        key = "rate_limited"
    elif isinstance(
        err, (NoSuchDeviceError, InvalidCommandError, UnsupportedOperationError)
    ):
        key = "command_refused"
    elif isinstance(err, (MaintenanceError, ServiceUnavailableError)):
        key = "gateway_unavailable"
    elif isinstance(err, UNREADABLE_ANSWER_ERRORS):
        key = "unreadable_answer"
    elif isinstance(err, (TimeoutError, ClientError)):
        key = "cannot_connect"
    elif isinstance(err, BaseOverkizError):
        key = "execution_failed"
    else:
        log_unexpected(err, f"running {command}")
        key = "unexpected_error"
    return HomeAssistantError(
        translation_domain=DOMAIN,
        translation_key=key,
        translation_placeholders={"command": command, "error": str(err) or repr(err)},
    )
