"""How the sweep screen names its members: values as the grid grammar writes them, grid
keys by their short names, and the titles of the small multiples (``lr 0.3, seed 1:
0.00883``), short enough for 80 columns and still saying which member is which."""

from __future__ import annotations


def member_label(value) -> str:
    """A value as the grid grammar writes it (``model.hidden``: ``8x8``, ``none``)."""
    return ("x".join(map(str, value)) or "none") if isinstance(value, list) else str(value)


def short_names(keys: list[str]) -> dict[str, str]:
    """Each grid key by its last part (``training.lr``: ``lr``), so titles fit at 80
    columns; the whole key where two keys share a last part."""
    last = [key.rsplit(".", 1)[-1] for key in keys]
    return {
        key: name if last.count(name) == 1 else key for key, name in zip(keys, last, strict=True)
    }


def member_title(overrides: dict, loss: float, names: dict[str, str] | None = None) -> str:
    """The member's keys and values (in the heatmap's key order) and its loss:
    ``lr 0.3, seed 1: 0.00883`` (the small multiples fit it to their cells)."""
    names = names or {}
    values = ", ".join(f"{names.get(k, k)} {member_label(v)}" for k, v in overrides.items())
    return f"{values}: {loss:.3g}"
