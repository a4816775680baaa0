"""Sort pyoverkiz and transport errors into what Home Assistant should do with them."""

from __future__ import annotations

from aiohttp import ClientError
from homeassistant.exceptions import HomeAssistantError
from pyoverkiz.exceptions import (
    BadCredentialsError,
    BaseOverkizError,
    ExecutionQueueFullError,
    InvalidCommandError,
    InvalidTokenError,
    MaintenanceError,
    MissingAuthorizationTokenError,
    NoSuchDeviceError,
    NoSuchTokenError,
    NotAuthenticatedError,
    ServiceUnavailableError,
    TooManyAttemptsBannedError,
    TooManyConcurrentRequestsError,
    TooManyExecutionsError,
    TooManyRequestsError,
    UnsupportedOperationError,
)

from .action_queue import ActionQueueClosedError
from .const import DOMAIN
from .jobs import JobException

# The gateway refuses the credentials: only the user can fix this (reauth).
AUTH_ERRORS: tuple[type[Exception], ...] = (
    BadCredentialsError,
    NotAuthenticatedError,
    MissingAuthorizationTokenError,
    NoSuchTokenError,
    InvalidTokenError,
    TooManyAttemptsBannedError,
)

# The gateway or the cloud is busy, down or unreachable: it recovers on its own.
TRANSIENT_ERRORS: tuple[type[Exception], ...] = (
    TooManyRequestsError,
    TooManyConcurrentRequestsError,
    TooManyExecutionsError,
    ExecutionQueueFullError,
    MaintenanceError,
    ServiceUnavailableError,
    TimeoutError,
    ClientError,
)

RATE_LIMIT_ERRORS: tuple[type[Exception], ...] = (
    TooManyRequestsError,
    TooManyConcurrentRequestsError,
    TooManyExecutionsError,
    ExecutionQueueFullError,
)


def command_error(err: Exception, command: str) -> HomeAssistantError:
    """Return the translated error a caller of a command gets for ``err``."""
    key: str
    if isinstance(err, JobException):
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
    elif isinstance(err, (TimeoutError, ClientError)):
        key = "cannot_connect"
    elif isinstance(err, BaseOverkizError):
        key = "execution_failed"
    else:
        raise err
    return HomeAssistantError(
        translation_domain=DOMAIN,
        translation_key=key,
        translation_placeholders={"command": command, "error": str(err) or repr(err)},
    )
