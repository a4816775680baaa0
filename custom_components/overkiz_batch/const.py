"""Constants for Overkiz Batch."""

from __future__ import annotations

from typing import Final

DOMAIN: Final = "overkiz_batch"
