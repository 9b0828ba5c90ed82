"""Share strings: a whole run in one line, ``torchplay:v1:...``. No torch.

The part after the prefix is URL-safe base64 (no padding) of zlib-compressed JSON::

    {"spec": {...}, "step": 300, "weights_sha256": "ab12...", "torch": "2.13.0",
     "forks": [[31, {...}]]}

``spec`` is the spec the run started from (painted points included); each of ``forks``
is a step and the spec the run went on with from there (time travel's ``f``); ``step`` is
where it ended and ``weights_sha256`` the hash of its weights there
(:func:`torchplay.engine.files.checkpoint.weights_sha256`). ``torchplay open`` trains the
same run again and compares the hash: torchplay's runs are exact, so a match means the
same weights bit for bit.

A string over :data:`MAX_CHARS` is refused (share the spec's TOML file instead); a string
that does not decode, or decodes to something else than this shape, is bad input.
"""

from __future__ import annotations

import base64
import binascii
import json
import re
import zlib
from dataclasses import dataclass
from typing import Any

from torchplay.engine.run.errors import InputError
from torchplay.engine.run.source import from_dict
from torchplay.engine.run.spec import MAX_STEPS, Spec

PREFIX = "torchplay:v1:"
MAX_CHARS = 2048
"""The longest share string made or read (2 KB): beyond, share the TOML file."""
_HASH = re.compile(r"[0-9a-f]{64}")
_TOO_LONG = "share the spec instead: save it as TOML (the panel's Save, or torchplay train --save)"


class ShareError(InputError):
    """A share string that cannot be made or read; the message says why."""


@dataclass(frozen=True)
class Shared:
    """What a share string holds."""

    spec: Spec
    """The spec the run started from."""
    step: int
    """The step the run reached."""
    weights_sha256: str
    """The hash of the weights at ``step``."""
    torch: str = ""
    """The torch version that made the string ('' when unknown)."""
    forks: tuple[tuple[int, Spec], ...] = ()
    """Each fork: the step and the spec the run went on with from there."""

    @property
    def final_spec(self) -> Spec:
        """The spec the run ended with (the last fork's, else the start's)."""
        return self.forks[-1][1] if self.forks else self.spec


def encode(shared: Shared) -> str:
    """The share string of ``shared``.

    Raises:
        ShareError: the string would be longer than :data:`MAX_CHARS`.
    """
    payload = {
        "spec": shared.spec.to_dict(),
        "step": shared.step,
        "weights_sha256": shared.weights_sha256,
        "torch": shared.torch,
        "forks": [[step, spec.to_dict()] for step, spec in shared.forks],
    }
    raw = json.dumps(payload, separators=(",", ":"), sort_keys=True).encode()
    body = base64.urlsafe_b64encode(zlib.compress(raw, 9)).decode().rstrip("=")
    text = PREFIX + body
    if len(text) > MAX_CHARS:
        raise ShareError(
            f"the share string would be {len(text)} characters, over {MAX_CHARS} "
            f"(painted points take room): {_TOO_LONG}"
        )
    return text


def looks_like(text: object) -> bool:
    """Whether ``text`` is meant as a share string (it starts with the prefix family)."""
    return isinstance(text, str) and text.strip().startswith("torchplay:")


def _step(value: Any, what: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= MAX_STEPS:
        raise ShareError(f"share string: {what} {value!r} is not a step from 0 to {MAX_STEPS}")
    return value


def decode(text: str) -> Shared:
    """Read a share string.

    Raises:
        ShareError: another version, too long, not base64, not compressed, a changed
            character (zlib's checksum), or a payload of the wrong shape or spec.
    """
    text = text.strip()
    if not text.startswith(PREFIX):
        version = text.split(":")[1] if text.startswith("torchplay:") else None
        hint = f"version {version!r} is not known here" if version else "it must start with"
        raise ShareError(f"not a torchplay share string: {hint} {PREFIX!r}")
    if len(text) > MAX_CHARS:
        raise ShareError(f"share string of {len(text)} characters, over {MAX_CHARS}: {_TOO_LONG}")
    body = text[len(PREFIX) :]
    try:
        raw = base64.urlsafe_b64decode(body + "=" * (-len(body) % 4))
        payload = json.loads(zlib.decompress(raw))
    except (binascii.Error, ValueError, zlib.error, RecursionError):
        raise ShareError(
            "share string damaged (a character changed or missing): copy it again whole"
        ) from None
    if not isinstance(payload, dict):
        raise ShareError("share string damaged: it holds no run")
    sha = payload.get("weights_sha256")
    if not isinstance(sha, str) or not _HASH.fullmatch(sha):
        raise ShareError("share string damaged: weights_sha256 is not a SHA-256 hex digest")
    forks = payload.get("forks", [])
    if not isinstance(forks, list) or not all(isinstance(f, list) and len(f) == 2 for f in forks):
        raise ShareError("share string damaged: forks must be [step, spec] pairs")
    torch = payload.get("torch", "")
    try:
        spec = from_dict(payload.get("spec"))
        chain = tuple((_step(s, "fork step"), from_dict(d)) for s, d in forks)
    except ShareError:
        raise
    except InputError as exc:
        raise ShareError(f"share string holds a bad spec: {exc}") from None
    step = _step(payload.get("step"), "step")
    steps = [s for s, _ in chain]
    if steps != sorted(steps) or any(s > step for s in steps):
        raise ShareError("share string damaged: fork steps must rise up to the run's step")
    return Shared(spec, step, sha, torch if isinstance(torch, str) else "", chain)
