"""The files a Home Assistant maintainer expects agree with the code they describe.

icons.json names only entities and services that exist, every service has an icon,
the brand images are there at the sizes Home Assistant asks for, quality_scale.yaml
gives a reason for each rule not done, and hacs.json and the README agree on the
minimum Home Assistant version.
"""

from __future__ import annotations

import json
from pathlib import Path
import re
from typing import Any

from homeassistant.core import HomeAssistant
from homeassistant.helpers.icon import async_get_icons
from homeassistant.loader import async_get_custom_components
from PIL import Image
import pytest
import yaml

from custom_components.overkiz_batch.const import DOMAIN

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "custom_components" / DOMAIN


def _json(path: Path) -> Any:
    return json.loads(path.read_text(encoding="utf-8"))


ICONS = _json(PACKAGE / "icons.json")
TRANSLATIONS = _json(PACKAGE / "translations/en.json")
SERVICES = yaml.safe_load((PACKAGE / "services.yaml").read_text(encoding="utf-8"))


def test_every_service_has_an_icon() -> None:
    assert set(ICONS["services"]) == set(SERVICES)


def test_entity_icons_name_translated_entities() -> None:
    for platform, entities in ICONS.get("entity", {}).items():
        known = TRANSLATIONS["entity"].get(platform, {})
        assert set(entities) <= set(known), platform
        for icons in entities.values():
            for icon in _icon_values(icons):
                assert re.fullmatch(r"mdi:[a-z0-9-]+", icon), icon


def _icon_values(node: Any) -> list[str]:
    if isinstance(node, str):
        return [node]
    return [icon for value in node.values() for icon in _icon_values(value)]


async def test_home_assistant_loads_the_icons(hass: HomeAssistant) -> None:
    icons = await async_get_icons(hass, "entity", [DOMAIN])
    assert icons[DOMAIN] == ICONS["entity"]
    services = await async_get_icons(hass, "services", [DOMAIN])
    assert services[DOMAIN]["execute_command"]["service"] == "mdi:console"


@pytest.mark.parametrize(
    ("name", "size"),
    [("icon.png", (256, 256)), ("icon@2x.png", (512, 512))],
)
def test_brand_icons(name: str, size: tuple[int, int]) -> None:
    with Image.open(PACKAGE / "brand" / name) as image:
        assert image.format == "PNG"
        assert image.size == size
        assert image.mode == "RGBA"


@pytest.mark.parametrize(
    ("name", "height"),
    [
        ("logo.png", 128),
        ("logo@2x.png", 256),
        ("dark_logo.png", 128),
        ("dark_logo@2x.png", 256),
    ],
)
def test_brand_logos(name: str, height: int) -> None:
    with Image.open(PACKAGE / "brand" / name) as image:
        assert image.format == "PNG"
        assert image.height == height
        assert image.width > 2 * height  # the name beside the icon


async def test_home_assistant_sees_the_brand_folder(hass: HomeAssistant) -> None:
    integration = (await async_get_custom_components(hass))[DOMAIN]
    assert integration.has_branding


def test_quality_scale_gives_reasons() -> None:
    rules = yaml.safe_load((PACKAGE / "quality_scale.yaml").read_text())["rules"]
    assert len(rules) >= 50
    for rule, value in rules.items():
        if isinstance(value, str):
            assert value == "done", rule
        else:
            assert value["status"] in {"done", "todo", "exempt"}, rule
            assert value["comment"].strip(), rule


def test_minimum_home_assistant_version_agrees() -> None:
    version = _json(ROOT / "hacs.json")["homeassistant"]
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert f"Home Assistant {version} or later" in readme


def test_license_is_mit() -> None:
    assert (ROOT / "LICENSE").read_text().startswith("MIT License")
