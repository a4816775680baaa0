"""The demo's children: processes whose output goes to the terminal, and polling them.

The children run in their own process group, so a Ctrl-C reaches the launcher alone;
they get SIGTERM if the launcher dies.
"""

from __future__ import annotations

import asyncio
import contextlib
from dataclasses import dataclass
from pathlib import Path
import signal
import socket
import ssl
import sys
from typing import Any

import aiohttp

sys.path.insert(0, str(Path(__file__).resolve().parent))  # demo_args beside it
from demo_args import CHECKOUT


def _die_with_parent() -> None:
    """In the child: get SIGTERM when the launcher dies, however it dies (Linux)."""
    if sys.platform.startswith("linux"):
        import ctypes  # noqa: PLC0415

        pr_set_pdeathsig = 1
        ctypes.CDLL(None, use_errno=True).prctl(pr_set_pdeathsig, signal.SIGTERM)


@dataclass
class Child:
    """A child process whose output goes to the terminal, each line prefixed."""

    name: str
    process: asyncio.subprocess.Process
    pump: asyncio.Task[None]

    @classmethod
    async def start(cls, name: str, args: list[str], env: dict[str, str]) -> Child:
        """Start ``args`` and copy its output to the terminal."""
        process = await asyncio.create_subprocess_exec(
            *args,
            stdin=asyncio.subprocess.DEVNULL,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.STDOUT,
            cwd=CHECKOUT,
            env=env,
            process_group=0,
            preexec_fn=_die_with_parent,
        )
        assert process.stdout is not None
        pump = asyncio.create_task(_pump(f"{name:<4}| ", process.stdout))
        return cls(name, process, pump)

    @property
    def running(self) -> bool:
        """Whether the process has not exited yet."""
        return self.process.returncode is None

    async def stop(self, grace: float, force: asyncio.Event) -> None:
        """SIGTERM, then SIGKILL after ``grace`` seconds or at a second Ctrl-C."""
        if self.running:
            say(f"stopping {self.name}")
            with contextlib.suppress(ProcessLookupError):
                self.process.terminate()
            waiter = asyncio.create_task(self.process.wait())
            forced = asyncio.create_task(force.wait())
            await asyncio.wait(
                {waiter, forced}, timeout=grace, return_when="FIRST_COMPLETED"
            )
            forced.cancel()
            if self.running:
                say(f"{self.name} did not stop, killing it")
                with contextlib.suppress(ProcessLookupError):
                    self.process.kill()
            await waiter
        await self.pump


async def _pump(prefix: str, stream: asyncio.StreamReader) -> None:
    """Copy lines until the child closes its output (a closed terminal is no error)."""
    out = sys.stdout.buffer
    while line := await stream.readline():
        with contextlib.suppress(OSError):
            out.write(prefix.encode() + line)
            out.flush()


def say(message: str) -> None:
    """Print a line of the launcher's own."""
    sys.stdout.write(f"demo| {message}\n")
    sys.stdout.flush()


def port_free(port: int) -> bool:
    """Whether nothing listens on 127.0.0.1:port yet."""
    with socket.socket() as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


async def http_get(url: str, headers: dict[str, str] | None = None) -> tuple[int, Any]:
    """GET with aiohttp, certificates not checked (the simulator's is self-signed)."""
    context = ssl.create_default_context()
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    timeout = aiohttp.ClientTimeout(total=5)
    async with (
        aiohttp.ClientSession(timeout=timeout) as session,
        session.get(url, headers=headers, ssl=context) as response,
    ):
        body = (
            await response.json(content_type=None) if response.status == 200 else None
        )
        return response.status, body


async def wait_until(child: Child, check: Any, what: str, limit: float | None) -> Any:
    """Poll ``check()`` until it returns a value; fail if the child exits first."""
    loop = asyncio.get_running_loop()
    deadline = None if limit is None else loop.time() + limit
    while True:
        if not child.running:
            raise RuntimeError(f"{child.name} exited while waiting for {what}")
        with contextlib.suppress(
            OSError, TimeoutError, ValueError, aiohttp.ClientError
        ):
            if (value := await check()) is not None:
                return value
        if deadline is not None and loop.time() > deadline:
            raise RuntimeError(f"timed out waiting for {what}")
        await asyncio.sleep(0.3)
