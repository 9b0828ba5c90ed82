"""Screenshots of ``torchplay serve`` in headless Chromium, driven over the DevTools protocol.

Starts ``torchplay serve SOURCE`` on a free loopback port and Debian's ``chromium`` in
headless mode, opens the page, clicks it, presses space (Run) and saves three PNGs:
``DIR/serve-landing.png`` (4 s after the page opened), ``serve-app.png`` (after the
click) and ``serve-trained.png`` (after the run). Chromium is not a project dependency
(``apt-get install chromium``); nothing in the tests needs it. The DevTools client is
aiohttp's websocket, which textual-serve already brings.

``python -m bench.serveshot [SOURCE] [DIR]`` (defaults: classification, the current folder).
"""

from __future__ import annotations

import asyncio
import base64
import shutil
import socket
import subprocess
import sys
import tempfile
from pathlib import Path

import aiohttp

WIDTH, HEIGHT = 1280, 800


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class DevTools:
    """One page's DevTools session: numbered calls, each awaiting its own reply."""

    def __init__(self, ws: aiohttp.ClientWebSocketResponse) -> None:
        self.ws, self.n = ws, 0

    async def call(self, method: str, **params) -> dict:
        self.n += 1
        await self.ws.send_json({"id": self.n, "method": method, "params": params})
        async for msg in self.ws:
            reply = msg.json()
            if reply.get("id") == self.n:
                return reply.get("result", reply)
        raise ConnectionError("Chromium closed the DevTools connection")

    async def shot(self, path: Path) -> None:
        data = (await self.call("Page.captureScreenshot", format="png"))["data"]
        path.write_bytes(base64.b64decode(data))
        print(path)


async def page_session(debug_port: int) -> tuple[aiohttp.ClientSession, str]:
    http = aiohttp.ClientSession()
    for _ in range(100):
        try:
            async with http.get(f"http://127.0.0.1:{debug_port}/json") as reply:
                targets = await reply.json()
            return http, next(t for t in targets if t["type"] == "page")["webSocketDebuggerUrl"]
        except (aiohttp.ClientError, StopIteration):
            await asyncio.sleep(0.2)
    await http.close()
    raise TimeoutError("Chromium's DevTools port did not answer")


async def drive(url: str, debug_port: int, out: Path) -> None:
    http, ws_url = await page_session(debug_port)
    async with http, http.ws_connect(ws_url, max_msg_size=0) as ws:
        tools = DevTools(ws)
        await tools.call("Page.enable")
        await tools.call("Page.navigate", url=url)
        await asyncio.sleep(4)
        await tools.shot(out / "serve-landing.png")
        for kind in ("mousePressed", "mouseReleased"):
            await tools.call(
                "Input.dispatchMouseEvent",
                type=kind,
                x=WIDTH // 2,
                y=HEIGHT // 2,
                button="left",
                clickCount=1,
            )
        await asyncio.sleep(10)
        await tools.shot(out / "serve-app.png")
        await tools.call(
            "Input.dispatchKeyEvent",
            type="keyDown",
            key=" ",
            code="Space",
            text=" ",
            windowsVirtualKeyCode=32,
        )
        await tools.call(
            "Input.dispatchKeyEvent", type="keyUp", key=" ", code="Space", windowsVirtualKeyCode=32
        )
        await asyncio.sleep(6)
        await tools.shot(out / "serve-trained.png")


def main(source: str = "classification", folder: str = ".") -> int:
    browser = shutil.which("chromium")
    if browser is None:
        print("serveshot needs Debian's chromium: apt-get install chromium", file=sys.stderr)
        return 2
    port, debug_port = free_port(), free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "torchplay", "serve", source, "--port", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    with tempfile.TemporaryDirectory() as profile:
        chrome = subprocess.Popen(
            [
                browser,
                "--headless=new",
                "--no-sandbox",
                "--disable-gpu",
                f"--remote-debugging-port={debug_port}",
                f"--user-data-dir={profile}",
                f"--window-size={WIDTH},{HEIGHT}",
                "about:blank",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            asyncio.run(drive(f"http://127.0.0.1:{port}/", debug_port, Path(folder)))
        finally:
            chrome.terminate()
            server.terminate()
            chrome.wait()
            server.wait()
    return 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:3]))
