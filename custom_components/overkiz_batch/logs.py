"""One log line when a gateway goes away and one when it comes back.

The coordinator reports a failed poll once ("Error fetching ...") and its
recovery once; a failed command reaches its caller as an error, a failed setup or
connection test is reported by Home Assistant or the form. pyoverkiz's retry lines
("Backing off ...", "Giving up ... after 3 tries", an ERROR every few seconds
during an outage) say the same again: a filter on pyoverkiz's logger drops them
for the requests of this integration alone, unless pyoverkiz's debug log is on.
Other users of pyoverkiz in the same Home Assistant (core's overkiz) keep theirs.
"""

from __future__ import annotations

from contextvars import ContextVar
import logging
from typing import Final

PYOVERKIZ_LOGGER: Final = "pyoverkiz.client"
# The two lines the backoff package logs for pyoverkiz's retried requests.
RETRY_LINES: Final = frozenset(
    {
        "Backing off %s(...) for %.1fs (%s)",
        "Giving up %s(...) after %d tries (%s)",
    }
)

_OURS: ContextVar[bool] = ContextVar("overkiz_batch_requests", default=False)


class _RetryLinesFilter(logging.Filter):
    """Drop pyoverkiz's retry lines logged while one of our requests runs."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not (
            _OURS.get()
            and record.msg in RETRY_LINES
            and not logging.getLogger(PYOVERKIZ_LOGGER).isEnabledFor(logging.DEBUG)
        )


_FILTER: Final = _RetryLinesFilter()


def own_requests() -> None:
    """Mark the requests of the running task (and tasks it starts) as ours.

    Their failures are reported by the integration, so pyoverkiz's retry lines
    are not logged for them.
    """
    _OURS.set(True)
    logging.getLogger(PYOVERKIZ_LOGGER).addFilter(_FILTER)  # once: a set
