"""``python -m simulator``: starts, says how to connect, serves, stops on a signal."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
import re
import signal
import sys

import aiohttp
import pytest

from simulator.__main__ import describe, main, parse_args
from simulator.gateway import GatewaySimulator
from simulator.houses import DEFAULT_GATEWAY_ID, load_house, with_gateway_id

ROOT = Path(__file__).resolve().parents[2]


async def test_command_line_serves_the_house() -> None:
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "simulator",
        "--mode",
        "cloud",
        "--port",
        "0",
        "--house",
        "shutters:3",
        "--speed",
        "50",
        cwd=ROOT,
        stdout=asyncio.subprocess.PIPE,
    )
    assert process.stdout is not None
    try:
        first = await asyncio.wait_for(process.stdout.readline(), timeout=20)
        match = re.search(r"listening on (\S+)", first.decode())
        assert match, first
        base_url = match.group(1)
        async with (
            aiohttp.ClientSession() as session,
            session.get(f"{base_url}apiVersion") as response,
        ):
            assert response.status == 200
            assert "protocolVersion" in await response.json()
    finally:
        process.send_signal(signal.SIGINT)
        code = await asyncio.wait_for(process.wait(), timeout=20)
    assert code == 0


def test_arguments() -> None:
    args = parse_args(
        ["--mode", "cloud", "--speed", "5", "--exec-limit", "3", "--token", "t"]
    )
    assert (args.mode, args.port, args.house) == ("cloud", 8443, "default")
    assert (args.speed, args.exec_limit, args.token, args.seed) == (5.0, 3, "t", 0)
    assert args.sensor_period is None
    assert parse_args(["--sensor-period", "60"]).sensor_period == 60.0


async def test_description_tells_how_to_connect() -> None:
    async with GatewaySimulator(token="secret") as local:
        text = describe(local)
        assert local.host in text
        assert "token: secret" in text
    async with GatewaySimulator(mode="cloud") as cloud:
        text = describe(cloud)
        assert cloud.username in text
        assert cloud.password in text


def test_bad_house_exits_with_an_error(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--house", "no-such-house", "--port", "0"]) == 2
    assert "Unknown house" in capsys.readouterr().err


def test_bad_gateway_id_exits_with_an_error(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--gateway-id", "gateway-7", "--port", "0"]) == 2
    assert "1234-5678-9012" in capsys.readouterr().err


def test_gateway_id_renames_the_gateway_and_its_devices() -> None:
    house = with_gateway_id(load_house("default"), "1234-5678-9012")
    assert [g["gatewayId"] for g in house["gateways"]] == ["1234-5678-9012"]
    urls = [d["deviceURL"] for d in house["devices"]]
    assert all("1234-5678-9012" in url for url in urls)
    assert DEFAULT_GATEWAY_ID not in json.dumps(house)
    assert parse_args(["--gateway-id", "1234-5678-9012"]).gateway_id == (
        "1234-5678-9012"
    )
