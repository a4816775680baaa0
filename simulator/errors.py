"""Error answers of the Overkiz API, written to match what pyoverkiz recognises.

Each entry carries the HTTP status and either a JSON body (``errorCode`` plus the
message text pyoverkiz matches on) or a raw body for the non-JSON failures (maintenance
page, proxy errors, malformed JSON).
"""

from __future__ import annotations

from dataclasses import dataclass
import json

from aiohttp import web


@dataclass(frozen=True, slots=True)
class ApiError:
    """One error answer: status plus a JSON body or a raw text body."""

    status: int
    code: str | None = None
    message: str | None = None
    raw: str | None = None
    content_type: str = "application/json"

    def with_message(self, message: str) -> ApiError:
        """Return the same error with a message naming the object at fault."""
        return ApiError(self.status, self.code, message, self.raw, self.content_type)

    def body(self) -> str:
        """Return the response body as sent on the wire."""
        if self.raw is not None:
            return self.raw
        return json.dumps({"errorCode": self.code, "error": self.message})

    def response(self) -> web.Response:
        """Build an aiohttp response carrying this error."""
        return web.Response(
            status=self.status, text=self.body(), content_type=self.content_type
        )


class ApiErrorResponse(Exception):
    """Raised inside the simulator to answer a request with an API error."""

    def __init__(self, error: ApiError) -> None:
        super().__init__(error.message or error.code or str(error.status))
        self.error = error


_MAINTENANCE_PAGE = (
    "<html><head><title>Maintenance</title></head><body>"
    "<h1>We'll be back soon</h1>"
    "<p>The service is down for maintenance. Please try again later.</p>"
    "</body></html>"
)
_PROXY_500_PAGE = (
    "<html><head><title>500 Internal Server Error</title></head><body>"
    "<h1>Internal Server Error</h1></body></html>"
)
_PROXY_502_PAGE = (
    "<html><head><title>502 Bad Gateway</title></head><body>"
    "<h1>502 Bad Gateway</h1></body></html>"
)

# The error table of overkiz-api.md, keyed by the name tests and the control path use.
ERRORS: dict[str, ApiError] = {
    "EXEC_QUEUE_FULL": ApiError(
        400,
        "EXEC_QUEUE_FULL",
        "Execution queue is full on gateway: #{gateway} (soft limit: {limit})",
    ),
    "TOO_MANY_EXECUTIONS": ApiError(
        400,
        "RESOURCE_ACCESS_DENIED",
        "Server busy, please try again later. (Too many executions)",
    ),
    "TOO_MANY_CONCURRENT_REQUESTS": ApiError(
        400, "RESOURCE_ACCESS_DENIED", "too many concurrent requests"
    ),
    "TOO_MANY_REQUESTS": ApiError(
        400, "AUTHENTICATION_ERROR", "Too many requests, try again later"
    ),
    "NOT_AUTHENTICATED": ApiError(401, "RESOURCE_ACCESS_DENIED", "Not authenticated."),
    "MISSING_AUTHORIZATION_TOKEN": ApiError(
        401, "RESOURCE_ACCESS_DENIED", "Missing authorization token."
    ),
    "BAD_CREDENTIALS": ApiError(401, "AUTHENTICATION_ERROR", "Bad credentials"),
    "INVALID_EVENT_LISTENER_ID": ApiError(
        400, "UNSPECIFIED_ERROR", "Invalid event listener id : {listener}"
    ),
    "NO_REGISTERED_EVENT_LISTENER": ApiError(
        400, "UNSPECIFIED_ERROR", '"No registered event listener."'
    ),
    "DUPLICATE_ACTION_ON_DEVICE": ApiError(
        400,
        "DUPLICATE_FIELD_OR_VALUE",
        "Another action exists on the same device : {device}",
    ),
    "NO_SUCH_DEVICE": ApiError(400, "NO_SUCH_DEVICE", 'No such device : "{device}"'),
    "NO_SUCH_COMMAND": ApiError(
        400, "UNSUPPORTED_OPERATION", "No such command : {command}"
    ),
    "BAD_PARAMETERS": ApiError(
        400, "INVALID_PARAMETER", 'Bad parameters. ("{detail}")'
    ),
    "MALFORMED_ACTION_GROUP": ApiError(
        400,
        "MISSING_PARAMETERS",
        'Malformed "Malformed action group". (missing parameter)',
    ),
    "NO_SUCH_ACTION_GROUP": ApiError(
        400, "NO_SUCH_ACTION_GROUP", "No such action group : {oid}"
    ),
    "UNKNOWN_OBJECT": ApiError(400, "UNSPECIFIED_ERROR", "Unknown object."),
    "NO_SUCH_RESOURCE": ApiError(404, "INVALID_API_CALL", "No such resource"),
    "ACCESS_DENIED_TO_GATEWAY": ApiError(
        400,
        "RESOURCE_ACCESS_DENIED",
        "Access denied to gateway #{gateway} for action EXECUTE",
    ),
    "MAINTENANCE": ApiError(503, raw=_MAINTENANCE_PAGE, content_type="text/html"),
    "SERVER_ERROR_500": ApiError(500, raw=_PROXY_500_PAGE, content_type="text/html"),
    "BAD_GATEWAY_502": ApiError(502, raw=_PROXY_502_PAGE, content_type="text/html"),
    "SERVICE_UNAVAILABLE_503": ApiError(503, raw="", content_type="text/html"),
    "MALFORMED_JSON": ApiError(200, raw='{"execId": "unterminated'),
}


def api_error(name: str, **fields: object) -> ApiErrorResponse:
    """Build the exception answering with ``name``, its message filled in."""
    error = ERRORS[name]
    if error.message is not None and fields:
        error = error.with_message(error.message.format(**fields))
    return ApiErrorResponse(error)


def injected_error(name: str, gateway_id: str, limit: int = 10) -> ApiError:
    """Return an injected error, its message placeholders filled plausibly."""
    error = ERRORS[name]
    if error.message is None:
        return error
    return error.with_message(
        error.message.format(
            gateway=gateway_id,
            limit=limit,
            listener="00000000-0000-0000-0000-000000000000",
            device=f"io://{gateway_id}/0000000",
            command="unknownCommand",
            detail="injected",
            oid="00000000-0000-0000-0000-000000000000",
        )
    )
