"""Command line: ``python -m simulator --mode local --port 8443 --house default``."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import signal
import sys

from .gateway import GatewaySimulator
from .houses import load_house, with_gateway_id


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    """Read the command line."""
    parser = argparse.ArgumentParser(
        prog="python -m simulator",
        description="A fake Overkiz gateway speaking the real API.",
    )
    parser.add_argument("--mode", choices=("local", "cloud"), default="local")
    parser.add_argument("--port", type=int, default=8443, help="0 picks a free port")
    parser.add_argument(
        "--house",
        default="default",
        help="'default', 'sensors', 'controls', 'shutters:N' or a setup JSON file",
    )
    parser.add_argument(
        "--gateway-id",
        default=None,
        help="the gateway's id, 1234-5678-9012 (default: the house's own)",
    )
    parser.add_argument(
        "--speed", type=float, default=1.0, help="time multiplier (1 is real time)"
    )
    parser.add_argument("--token", default=None, help="local API token (random)")
    parser.add_argument("--exec-limit", type=int, default=10)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument(
        "--sensor-period",
        type=float,
        default=None,
        help="simulated seconds between two counter updates (energy, water...)",
    )
    return parser.parse_args(argv)


def describe(sim: GatewaySimulator) -> str:
    """Tell a user how to connect."""
    lines = [
        f"Overkiz gateway simulator ({sim.mode}) listening on {sim.base_url}",
        f"  gateway id: {sim.gateway_id}, {len(sim.device_urls)} devices",
    ]
    if sim.mode == "local":
        lines += [
            f"  host: {sim.host}  (https, self-signed: verify_ssl=False)",
            f"  token: {sim.token}",
        ]
    else:
        lines += [
            f"  server endpoint: {sim.base_url}",
            f"  username: {sim.username}",
            f"  password: {sim.password}",
        ]
    lines.append(f"  control: {sim.control_url} (POST fail, drop, down, up, ...)")
    return "\n".join(lines)


async def serve(args: argparse.Namespace) -> None:
    """Run the simulator until interrupted."""
    house = load_house(args.house)
    if args.gateway_id:
        house = with_gateway_id(house, args.gateway_id)
    sim = GatewaySimulator(
        house=house,
        mode=args.mode,
        speed=args.speed,
        token=args.token,
        exec_limit=args.exec_limit,
        seed=args.seed,
        port=args.port,
        sensor_period=args.sensor_period,
    )
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError):
            loop.add_signal_handler(sig, stop.set)
    async with sim:
        print(describe(sim), flush=True)
        await stop.wait()


def main(argv: list[str] | None = None) -> int:
    """Entry point."""
    args = parse_args(argv)
    try:
        asyncio.run(serve(args))
    except (ValueError, OSError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
