"""The command line of scripts/develop, kept apart from the launcher.

Plain Python that any python3 runs, so ``scripts/develop --help`` answers at once,
before the environment is built or anything installed.
"""

from __future__ import annotations

import argparse
from pathlib import Path
import sys

CHECKOUT = Path(__file__).resolve().parents[2]
DEFAULT_CONFIG = CHECKOUT / "config"
DEFAULT_HTTP_PORT = 8123
DEFAULT_SIM_PORT = 8443
# A fixed token keeps the stored config entry valid from one run to the next.
DEFAULT_TOKEN = "overkiz-batch-demo-token"


def parser() -> argparse.ArgumentParser:
    """Return the parser of scripts/develop's options (defaults shown in --help)."""
    found = argparse.ArgumentParser(
        prog="scripts/develop",
        description=(
            "Home Assistant with Overkiz Batch on a simulated gateway (local API)."
            " A first run builds the environment (a few minutes)."
        ),
    )
    found.add_argument(
        "--port",
        type=int,
        default=DEFAULT_HTTP_PORT,
        help="Home Assistant HTTP port (%(default)s)",
    )
    found.add_argument(
        "--sim-port",
        type=int,
        default=DEFAULT_SIM_PORT,
        help="the simulated gateway's port, local API over HTTPS (%(default)s)",
    )
    found.add_argument(
        "--house",
        default="default",
        help="simulated house: default, shutters:N or a setup JSON file (%(default)s)",
    )
    found.add_argument(
        "--gateway-id",
        default=None,
        help="the simulated gateway's id, 1234-5678-9012 (default: the house's)",
    )
    found.add_argument(
        "--speed",
        type=float,
        default=1.0,
        help="time multiplier: 5 moves covers five times faster (%(default)s)",
    )
    found.add_argument(
        "--token",
        default=DEFAULT_TOKEN,
        help="the simulated gateway's API token (%(default)s)",
    )
    found.add_argument(
        "--config",
        type=Path,
        default=DEFAULT_CONFIG,
        help="Home Assistant configuration folder (config/ of the checkout)",
    )
    found.add_argument(
        "--reset",
        action="store_true",
        help=(
            "start from a clean configuration: forget what earlier runs stored"
            " (entries, entity names, history), keep configuration.yaml and dashboards"
        ),
    )
    return found


def parse_args(argv: list[str]) -> argparse.Namespace:
    """Read scripts/develop's command line."""
    return parser().parse_args(argv)


if __name__ == "__main__":  # scripts/develop --help, before any setup
    parse_args(sys.argv[1:])
