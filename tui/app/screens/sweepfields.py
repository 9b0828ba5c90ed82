"""The sweep screen's panel: its first axes, the checks of what is typed in it.

One field per grid key (``KEY=V1,V2,...``, the grammar of ``torchplay sweep --grid``): the
panel starts with a spec file's ``[sweep]`` table, else :data:`DEFAULT_AXES`, and one empty
field after them; typing into the last field adds another (up to :data:`MAX_KEYS`).
"""

from __future__ import annotations

import re

from torchplay.engine.run.errors import InputError
from torchplay.engine.run.grid import GridError, table_texts
from torchplay.engine.sweeps.raycluster import LOCAL, parse_address

DEFAULT_AXES = ("training.lr=0.05,0.1,0.2,0.4", "data.seed=1..4")
MAX_KEYS = 8
"""The most axis fields the panel offers."""


def first_axes(table: dict) -> tuple[list[str], str]:
    """The axis fields' first texts: the spec file's ``[sweep]`` table (every key, up to
    :data:`MAX_KEYS`), else :data:`DEFAULT_AXES`; and a note for the error line (a bad
    table, or one with more keys than the panel holds)."""
    try:
        texts = table_texts(table, "the file's [sweep]")
    except GridError as exc:
        return list(DEFAULT_AXES), str(exc)
    if not texts:
        return list(DEFAULT_AXES), ""
    note = ""
    if len(texts) > MAX_KEYS:
        note = f"the file's [sweep] has {len(texts)} keys: the first {MAX_KEYS} are here"
    return texts[:MAX_KEYS], note


def check_address(text: str) -> str:
    """The Ray address typed in the panel: blank (train here), ``local`` (a Ray started
    here) or ``HOST:PORT`` of a running cluster.

    Raises:
        InputError: anything else, with what to type.
    """
    text = text.strip()
    if text and text != LOCAL:
        parse_address(text)
    return text


def problems(check) -> list[str]:
    """What ``check()`` refuses (an :class:`InputError`), worded for this screen: the
    ``--grid`` of the CLI's messages left out."""
    try:
        check()
    except InputError as exc:
        return [re.sub(r"^--grid:? ", "", str(exc))]
    return []
