"""The app's settings that outlive a session: the theme, the runs folder and the last
scenario, in ``settings.toml`` in the platform's config folder (platformdirs:
``$XDG_CONFIG_HOME/torchplay`` or ``~/.config/torchplay`` on Linux).

A damaged file (not TOML, a value of the wrong type) is ignored field by field with one
notice, never fatal: the app opens with the defaults. Writes are atomic. No Textual here,
so the front door reads the last scenario without loading the app.
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import asdict, dataclass, fields, replace
from pathlib import Path

import platformdirs
import tomli_w
from torchplay.engine.files.atomic import write_atomic
from torchplay.engine.run.errors import UserError
from torchplay.engine.run.scenarios import SCENARIOS

FILE = "settings.toml"


@dataclass(frozen=True)
class Settings:
    theme: str = "textual-dark"
    """A Textual theme name (ctrl+p, "Change theme")."""
    runs: str = "runs"
    """Where save suggests files and the load/compare picker looks."""
    scenario: str = "regression"
    """The scenario ``torchplay`` opens when no SOURCE is given: the last one used."""
    passed: tuple[str, ...] = ()
    """The lessons passed (``torchplay learn`` marks them), by name."""
    welcomed: bool = False
    """The app has told this user about the lessons (its first start's notice)."""


def path() -> Path:
    """Where the settings live."""
    return Path(platformdirs.user_config_dir("torchplay")) / FILE


def load() -> tuple[Settings, str | None]:
    """The saved settings and a notice when the file was damaged (None when fine or absent)."""
    try:
        raw = tomllib.loads(path().read_text(encoding="utf-8"))
    except FileNotFoundError:
        return Settings(), None
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        return Settings(), f"settings ignored: {path()} is damaged ({exc}); defaults used"
    good = {f.name: raw[f.name] for f in fields(Settings) if isinstance(raw.get(f.name), str)}
    passed = raw.get("passed", [])
    if isinstance(passed, list) and all(isinstance(name, str) for name in passed):
        good["passed"] = tuple(passed)
    if isinstance(raw.get("welcomed"), bool):
        good["welcomed"] = raw["welcomed"]
    if good.get("scenario") not in (None, *SCENARIOS):
        del good["scenario"]
    bad = sorted(set(raw) - set(good))
    notice = f"settings: ignored {', '.join(bad)} in {path()}" if bad else None
    return Settings(**good), notice


def save(settings: Settings) -> str | None:
    """Write ``settings``; the reason when it cannot be written (the app goes on)."""
    target = path()
    try:
        os.makedirs(target.parent, exist_ok=True)
        kept = {k: v for k, v in asdict(settings).items() if v not in ((), False)}
        write_atomic(target, tomli_w.dumps(kept).encode(), "settings")
    except (OSError, UserError) as exc:
        return f"settings not saved: {exc}"
    return None


def updated(settings: Settings, **changes: object) -> Settings:
    """``settings`` with ``changes``; a scenario that is not a built-in one is not kept."""
    if changes.get("scenario") not in (None, *SCENARIOS):
        changes.pop("scenario")
    return replace(settings, **changes)
