"""Sort pyoverkiz and transport errors into what Home Assistant should do with them."""

from __future__ import annotations

import logging
from typing import Any, Final, Self

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


# Longest detail a message quotes: a gateway's words, never a page of them.
DETAIL_MAX: Final = 80


class AnswerLostError(Exception):
    """An execution request reached the gateway, maybe; its answer did not come back.

    ``disconnected``: the connection dropped (rather than timed out), so the
    request may also have been lost on its way.
    """

    def __init__(self, message: str, *, disconnected: bool) -> None:
        """Keep whether the connection dropped."""
        super().__init__(message)
        self.disconnected = disconnected


def lost_on_the_way(err: BaseException) -> bool:
    """Tell whether an execution request may have been lost before the gateway."""
    return isinstance(err, AnswerLostError) and err.disconnected


class TooManyCommandsError(JobException):
    """More raw commands than a gateway takes in a short time (a guard refused)."""


class ExecutionOutcomeUnknownError(Exception):
    """A batch was sent, its answer lost, and whether the gateway runs it is unknown."""

    @classmethod
    def after_lookup(cls, err: Exception, lookup_err: Exception) -> Self:
        """Say the answer was lost (``err``), then looking it up failed too."""
        return cls(
            f"{str(err) or type(err).__name__}, then"
            f" {str(lookup_err) or type(lookup_err).__name__}"
        )


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


def error_detail(err: BaseException) -> str:
    """Return the detail a message gives in brackets: the gateway's error code.

    pyoverkiz passes the gateway's answer as a dict for the error codes it does
    not know, and the gateway's own words for those it does; a transport error
    has its own short text. An outcome lost on the way gives its first cause.
    """
    if isinstance(err, ExecutionOutcomeUnknownError) and err.__cause__ is not None:
        return error_detail(err.__cause__)
    body = err.args[0] if err.args else None
    if isinstance(body, dict):
        code = body.get("errorCode") or body.get("error")
        return str(code) if code else type(err).__name__
    if isinstance(err, ClientConnectorError):
        return f"no connection to {err.host}:{err.port}"
    if isinstance(err, TimeoutError):
        return "no answer in time"
    text = " ".join(str(err).split()).strip(" .")
    if not text:
        return type(err).__name__
    return text if len(text) <= DETAIL_MAX else f"{text[: DETAIL_MAX - 1]}…"


def translated_error(
    key: str, error_class: type[HomeAssistantError] = HomeAssistantError, **values: Any
) -> HomeAssistantError:
    """Return an error a person reads as one translated sentence (en.json key).

    ``values`` fill the message's placeholders; an exception among them is given
    as its detail (error_detail), never as its repr.
    """
    placeholders = {
        name: error_detail(value) if isinstance(value, BaseException) else str(value)
        for name, value in values.items()
    }
    return error_class(
        translation_domain=DOMAIN,
        translation_key=key,
        translation_placeholders=placeholders or None,
    )


def command_error(err: Exception, command: str) -> HomeAssistantError:
    """Return the translated error a caller of a command gets for ``err``.

    Every error gets a translation; an unexpected one is also logged with its
    traceback.
    """
    return translated_error(
        _command_error_key(err, command), command=command, error=err
    )


def _command_error_key(err: Exception, command: str) -> str:
    """Sort a command's failure into the message that tells what to do."""
    if isinstance(err, ExecutionOutcomeUnknownError):
        return "outcome_unknown"
    if isinstance(err, TooManyCommandsError):
        return "too_many_commands"
    if isinstance(err, JobException):
        return "device_busy"
    if isinstance(err, ActionQueueClosedError):
        return "queue_closed"
    if isinstance(err, AUTH_ERRORS):
        return "authentication_failed"
    if isinstance(err, RATE_LIMIT_ERRORS):
        return "rate_limited"
    if isinstance(
        err, (NoSuchDeviceError, InvalidCommandError, UnsupportedOperationError)
    ) or (isinstance(err, BaseOverkizError) and _gateway_code(err)):
        return "command_refused"
    if isinstance(err, (MaintenanceError, ServiceUnavailableError)):
        return "gateway_unavailable"
    if isinstance(err, UNREADABLE_ANSWER_ERRORS):
        return "unreadable_answer"
    if isinstance(err, (TimeoutError, ClientError, AnswerLostError)):
        return "cannot_connect"
    if isinstance(err, BaseOverkizError):
        return "execution_failed"
    log_unexpected(err, f"running {command}")
    return "unexpected_error"


def _gateway_code(err: BaseException) -> str | None:
    """Return the error code of a gateway answer pyoverkiz did not sort."""
    body = err.args[0] if err.args else None
    return body.get("errorCode") if isinstance(body, dict) else None
