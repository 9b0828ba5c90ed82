"""Make the docs' SVG screenshots with the app's own ``S`` key (``make docs-images``).

Each scene opens the app in-process at 120x40 with a fixed seed, presses the keys a person
would, then ``S``; the SVG the app saves in the current folder is renamed to the scene's
name under docs/images/. Run it after a UI change so the pictures stay current.
"""

from __future__ import annotations

import asyncio
import os
import sys
import tempfile
from pathlib import Path

IMAGES = Path(__file__).resolve().parent / "images"


async def _wait(pilot, predicate, seconds: float = 60.0) -> None:
    for _ in range(int(seconds / 0.05)):
        if predicate():
            return
        await pilot.pause(0.05)
    app = pilot.app
    raise TimeoutError(f"the app did not get there: {app.state}, {app.last and app.last.step}")


async def _scene(name: str, keys: list[str], source: str = "regression", lesson: str = "") -> Path:
    from torchplay.engine.run.lessons import load
    from torchplay.tui.app.app import PlaygroundApp

    app = PlaygroundApp(
        source, in_process=True, show_rate=False, lesson=load(lesson) if lesson else None
    )
    with tempfile.TemporaryDirectory() as folder:
        here = os.getcwd()
        os.chdir(folder)
        try:
            async with app.run_test(size=(120, 40)) as pilot:
                await _wait(pilot, lambda: app.run_info is not None and app.last is not None)
                for key in keys:
                    await pilot.press(key)
                    if key == "space":
                        await _wait(pilot, lambda: app.state in ("finished", "stopped_early"))
                    await pilot.pause(0.3)
                await pilot.pause(0.5)
                await pilot.press("S")
                await _wait(pilot, lambda: any(Path(folder).glob("*.svg")))
            svg = next(Path(folder).glob("*.svg"))
            IMAGES.mkdir(exist_ok=True)
            target = IMAGES / f"{name}.svg"
            target.write_bytes(svg.read_bytes())
        finally:
            os.chdir(here)
    return target


SCENES = [
    ("app", ["space"], "classification", ""),
    ("lesson", ["space", "h"], "regression", "xor-hidden"),
    ("regression", ["space"], "regression", ""),
]
"""name, keys, source, lesson."""


def main(argv: list[str]) -> int:
    """Each scene in a fresh interpreter (one app per process, as a person runs it)."""
    import subprocess

    if argv:
        name, keys, source, lesson = next(s for s in SCENES if s[0] == argv[0])
        print(asyncio.run(_scene(name, keys, source, lesson)))
        return 0
    for name, *_ in SCENES:  # not the user's settings, nor a recovery offer from the last
        env = dict(
            os.environ, XDG_CONFIG_HOME=tempfile.mkdtemp(), XDG_STATE_HOME=tempfile.mkdtemp()
        )
        subprocess.run([sys.executable, __file__, name], check=True, env=env)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
