"""Shared fixtures for the Overkiz Batch tests."""

from __future__ import annotations

# Import the project's custom_components before any test: the test plugin ships a
# custom_components package of its own, and Home Assistant must find ours.
import custom_components.overkiz_batch  # noqa: F401  # isort: skip

from pathlib import Path

import pytest

SHARED = Path(__file__).resolve().parents[1].parent / "shared"
SHARED_FIXTURES = SHARED / "fixtures" / "overkiz"


@pytest.fixture(autouse=True)
def auto_enable_custom_integrations(request: pytest.FixtureRequest) -> None:
    """Let Home Assistant load the integration from this checkout in tests that run it.

    Pure unit tests (queue, guards, simulator) do not start Home Assistant.
    """
    if "hass" in request.fixturenames:
        request.getfixturevalue("enable_custom_integrations")


def shared_dumps() -> list[Path]:
    """The real gateway dumps beside the checkout, or none where ../shared is absent."""
    if not SHARED_FIXTURES.is_dir():
        return []
    return sorted(SHARED_FIXTURES.glob("setup_*.json"))
