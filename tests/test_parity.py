"""The parity tool's counting and report (the runs themselves: scripts/parity)."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from benchmarks import parity
from benchmarks.parity_report import Census, DumpResult, report
from simulator.houses import DEFAULT_GATEWAY_ID, default_house

GW = DEFAULT_GATEWAY_ID


def test_user_facing_leaves_gateways_and_stacks_out() -> None:
    house = default_house()
    house["devices"].append(
        {
            "deviceURL": f"internal://{GW}/pod/0",
            "label": "Box",
            "controllableName": "internal:PodMiniComponent",
            "definition": {"uiClass": "Pod", "widgetName": "Pod"},
        }
    )
    devices = parity.user_facing(house)
    assert f"internal://{GW}/pod/0" not in devices
    assert len(devices) == len(house["devices"]) - 1
    assert devices[f"io://{GW}/1001"] == (
        "RollerShutter/PositionableRollerShutter (io:RollerShutterGenericIOComponent)"
    )


def test_device_of_takes_the_whole_url() -> None:
    urls = sorted([f"io://{GW}/1#1", f"io://{GW}/1#10"], key=len, reverse=True)
    assert parity.device_of(f"io://{GW}/1#1", urls) == f"io://{GW}/1#1"
    assert parity.device_of(f"io://{GW}/1#10-core:RSSILevelState", urls) == (
        f"io://{GW}/1#10"
    )
    assert parity.device_of(f"io://{GW}/1#1_low_speed", urls) == f"io://{GW}/1#1"
    assert parity.device_of(f"{GW}_pending_actions", urls) is None


def test_dump_mode() -> None:
    local, cloud = Path("setup_local_tahoma.json"), Path("setup_tahoma_3.json")
    assert parity.dump_mode(cloud, "local") == "local"
    assert parity.dump_mode(cloud, "dump") == "cloud"
    assert parity.dump_mode(local, "dump") == "local"


def census(devices: set[str], **enabled: int) -> Census:
    return Census(
        loaded=True,
        enabled=Counter(enabled),
        disabled=Counter(sensor=2),
        devices=devices,
        unique_ids={"sensor": {f"{url}-core:TemperatureState" for url in devices}},
    )


def test_report_marks_what_we_miss() -> None:
    result = DumpResult(
        "house",
        "local",
        {"io://a": "A (x)", "io://b": "B (y)"},
        census({"io://a", "io://b"}, cover=1, sensor=3),
        census({"io://a"}, cover=1, sensor=1, switch=1),
    )
    assert result.missing() == ["io://b"]
    assert result.short_platforms() == ["sensor"]
    text = report([result])
    assert "| house | 2 | 2 | 1 **(-1)** | 4 | 3 **<** | sensor |" in text
    assert "| sensor | 3 (+2) | 1 (+2) **<** | 1/2 |" in text
    assert "| switch | 0 | 1 |  |" in text
    assert "- `io://b` B (y)" in text


def test_report_tells_a_failed_setup() -> None:
    failed = Census(errors=["overkiz: Error setting up entry"])
    result = DumpResult("house", "cloud", {}, failed, census(set()))
    text = report([result])
    assert "**core did not set up.**" in text
    assert "- overkiz: Error setting up entry" in text


def test_without_dumps_nothing_is_measured(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(parity, "DUMPS", tmp_path / "absent")
    assert parity.main(["--check"]) == 0
    assert "nothing to measure" in capsys.readouterr().out
