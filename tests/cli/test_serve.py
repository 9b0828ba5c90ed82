"""torchplay serve, for real: the page over HTTP, then the app's websocket driven as a
browser drives it (keys in, terminal frames out) far enough to see the control panel and a
training step."""

from __future__ import annotations

import asyncio
import os
import re
import socket
import subprocess
import sys
import time

import pytest

from tests.conftest import ROOT

# Slow (a server and the app processes it starts): make test-fast leaves them out.
pytestmark = pytest.mark.slow

aiohttp = pytest.importorskip("aiohttp")
pytest.importorskip("textual_serve")

ANSI = re.compile(r"\x1b(\[[0-?]*[ -/]*[@-~]|\][^\x07\x1b]*(\x07|\x1b\\)|[@-Z\\-_])")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def server():
    port = free_port()
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    proc = subprocess.Popen(
        [sys.executable, "-m", "torchplay.tui.cli.main", "serve", "--port", str(port)],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        yield port, proc
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


async def get_page(port: int, deadline: float) -> str:
    async with aiohttp.ClientSession() as http:
        while True:
            try:
                async with http.get(f"http://127.0.0.1:{port}/") as resp:
                    assert resp.status == 200
                    return await resp.text()
            except aiohttp.ClientConnectorError:
                if time.monotonic() > deadline:
                    raise
                await asyncio.sleep(0.2)  # retry until the server listens (deadline above)


async def screen_until(ws, text: list[str], needle: str, deadline: float) -> bool:
    """Read frames into ``text`` (escape codes stripped) until ``needle`` shows."""
    while needle not in "".join(text):
        left = deadline - time.monotonic()
        if left <= 0:
            return False
        try:
            msg = await ws.receive(timeout=left)
        except TimeoutError:
            return False
        if msg.type == aiohttp.WSMsgType.BINARY:
            text.append(ANSI.sub("", msg.data.decode("utf-8", "replace")))
        elif msg.type in (aiohttp.WSMsgType.CLOSE, aiohttp.WSMsgType.CLOSED):
            return False
    return True


async def _session(port: int) -> tuple[str, str, str]:
    deadline = time.monotonic() + 90
    page = await get_page(port, deadline)
    async with aiohttp.ClientSession() as http:
        url = f"ws://127.0.0.1:{port}/ws?width=120&height=40"
        async with http.ws_connect(url) as ws:
            seen: list[str] = []
            panel = await screen_until(ws, seen, "optimizer", deadline)
            first = "".join(seen)
            # The engine starts in its own process: n (one step) waits for it if need be.
            await ws.send_json(["stdin", "n"])
            after: list[str] = []
            stepped = await screen_until(ws, after, "step 1/", deadline)
            await ws.send_json(["stdin", "q"])
            assert panel, f"no control panel in the frames: {first[-2000:]!r}"
            assert stepped, f"no training step in the frames: {''.join(after)[-2000:]!r}"
            return page, first, "".join(after)


def test_serve_page_and_websocket_session(server) -> None:
    port, proc = server
    page, first, after = asyncio.run(_session(port))
    assert f"ws://127.0.0.1:{port}/ws" in page  # the page opens the app's websocket
    assert "torchplay" in page
    assert "lr" in first and "hidden" in first  # the panel's fields
    assert "step 1/" in after
    assert proc.poll() is None  # the server outlives a session


def test_serve_refuses_a_busy_port() -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        s.listen()
        port = s.getsockname()[1]
        env = dict(os.environ, PYTHONPATH=str(ROOT))
        proc = subprocess.run(
            [sys.executable, "-m", "torchplay.tui.cli.main", "serve", "--port", str(port)],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=60,
        )
    assert proc.returncode == 2 and proc.stdout == ""
    assert len(proc.stderr.strip().splitlines()) == 1 and f"port {port}" in proc.stderr


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (("--port", "0"), "--port 0"),
        (("--port", "70000"), "--port 70000"),
        (("--host", "no-such-host.invalid"), "no-such-host.invalid"),
        (("nope",), "nope"),
    ],
)
def test_serve_refuses_bad_input_before_serving(cli, args, needle) -> None:
    code, out, err = cli("serve", *args)
    assert code == 2 and out == ""
    assert len(err.strip().splitlines()) == 1 and needle in err
