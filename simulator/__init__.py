"""A fake Overkiz gateway speaking the real API over real HTTP (tests, demo)."""

from .core import Stats
from .errors import ERRORS
from .faults import ENDPOINTS
from .gateway import GatewaySimulator
from .houses import default_house, load_house, shutters_house

__all__ = [
    "ENDPOINTS",
    "ERRORS",
    "GatewaySimulator",
    "Stats",
    "default_house",
    "load_house",
    "shutters_house",
]
