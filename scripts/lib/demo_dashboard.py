"""The demo's dashboard, written for the house the demo runs.

configuration.yaml shows ``demo_dashboard.yaml`` (beside it, git-ignored) as "Demo
house". The default house has a dashboard of its own, ``dashboards/house.yaml``, which
names its entities; any other house gets Home Assistant's own generated dashboard
(entities by area, then by domain), so no card names an entity the house lacks.
"""

from __future__ import annotations

from pathlib import Path

DASHBOARD_FILE = "demo_dashboard.yaml"
DEFAULT_HOUSE_DASHBOARD = Path("dashboards") / "house.yaml"
# The default house's gateway, as its entity ids name it (Somfy gateway 4455: a
# local gateway does not tell its model).
DEFAULT_GATEWAY_NAME = "somfy_gateway_4455"

GENERATED = """\
# Written by scripts/develop for the house it runs: Home Assistant's own dashboard
# (entities by area, then by domain). The default house has dashboards/house.yaml.
strategy:
  type: original-states
"""


def dashboard_for(config_dir: Path, house: str, gateway_id: str | None) -> str:
    """Return the dashboard of ``house``, its gateway's id in its entity ids."""
    source = config_dir / DEFAULT_HOUSE_DASHBOARD
    if house != "default" or not source.is_file():
        return GENERATED
    text = source.read_text(encoding="utf-8")
    if gateway_id:
        short = gateway_id.rsplit("-", 1)[-1]
        text = text.replace(f"{DEFAULT_GATEWAY_NAME}_", f"somfy_gateway_{short}_")
    return text


def write_dashboard(config_dir: Path, house: str, gateway_id: str | None) -> None:
    """Write the dashboard configuration.yaml shows, for ``house``."""
    path = config_dir / DASHBOARD_FILE
    path.write_text(dashboard_for(config_dir, house, gateway_id), encoding="utf-8")
