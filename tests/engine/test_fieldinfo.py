"""Every spec field carries its own flag, metavar, help, label, characters and parser
(engine/run/fieldinfo.py), and they agree with the values the field holds: the text a
field shows for each scenario's value reads back as that value, typed with only the
field's own characters."""

from __future__ import annotations

import dataclasses

import pytest
from torchplay.engine.run.fieldinfo import INFO, FieldInfo
from torchplay.engine.run.scenarios import SCENARIOS, get_scenario
from torchplay.engine.run.spec import SECTIONS, spec_fields

FIELDS = spec_fields()
FREE_TEXT = {"data.dataset", "data.target"}
"""Fields whose values are any text (csv:PATH, a column name): no character set."""


def test_spec_fields_lists_every_dataclass_field_once() -> None:
    keys = [f.key for f in FIELDS]
    every = [f"{s}.{f.name}" for s, cls in SECTIONS.items() for f in dataclasses.fields(cls)]
    assert keys == every
    assert len({f.name for f in FIELDS}) == len(FIELDS)  # names are the panel's ids


@pytest.mark.parametrize("field", FIELDS, ids=lambda f: f.key)
def test_every_field_has_all_of_its_info(field) -> None:
    info = field.info
    assert isinstance(info, FieldInfo)
    assert info.flag == "--" + field.name.replace("_", "-"), info.flag
    assert info.help.strip() and info.label.strip()
    assert callable(info.parse) and callable(info.show)
    if isinstance(field.default, bool):
        assert info.switch, "an on/off field is a --x/--no-x switch"
    else:
        assert info.metavar, "a field with a value shows it in --help"
    if field.key in FREE_TEXT:
        assert info.chars is None
    else:
        assert info.chars, "a field says which characters its values need"
    for choice in info.choices:
        assert info.chars is None or set(choice) <= info.chars, choice


def test_flags_and_labels_are_unique() -> None:
    assert len({f.info.flag for f in FIELDS}) == len(FIELDS)
    assert len({f.info.label for f in FIELDS}) == len(FIELDS)


@pytest.mark.parametrize("scenario", list(SCENARIOS))
def test_every_value_reads_back_from_its_own_text(scenario: str) -> None:
    spec = get_scenario(scenario)
    for field in FIELDS:
        if field.info.nargs:  # painted points: one flag value per point, no panel text
            continue
        section, name = field.key.split(".")
        value = getattr(getattr(spec, section), name)
        text = field.info.text(value)
        assert field.info.read(text) == value, (scenario, field.key, text)
        if field.info.chars is not None:
            assert set(text) <= field.info.chars, (scenario, field.key, text)


def test_the_values_each_field_needs_are_typed_with_its_characters() -> None:
    """The examples from the issue: features, widths and a small lr."""
    info = {f.name: f.info for f in FIELDS}
    for name, text in (("features", "x1sq,x2sq"), ("hidden", "8,8"), ("lr", "1e-3")):
        assert set(text) <= info[name].chars, name
    assert info["features"].read("x1sq,x2sq") == ("x1sq", "x2sq")
    assert info["hidden"].read("8,8") == (8, 8) and info["hidden"].read("") == ()
    assert info["lr"].read("1e-3") == 0.001


def test_the_info_lives_in_the_dataclass_field_metadata() -> None:
    for section, cls in SECTIONS.items():
        for f in dataclasses.fields(cls):
            assert isinstance(f.metadata[INFO], FieldInfo), f"{section}.{f.name}"
