"""Share strings: a round trip verifies for each scenario, painted data and a forked run;
damage is refused; a changed torch version is reported as not verified, never a crash."""

from __future__ import annotations

import base64
import json
import zlib

import pytest
from torchplay.engine.run import share
from torchplay.engine.run.scenarios import SCENARIOS, get_scenario
from torchplay.engine.train import lineage
from torchplay.engine.train.replay import shared_of, verify
from torchplay.engine.train.trainer import Trainer


def _trained(spec, steps: int) -> Trainer:
    trainer = Trainer(spec)
    trainer.run(steps=steps)
    return trainer


def _payload(text: str) -> dict:
    body = text[len(share.PREFIX) :]
    return json.loads(zlib.decompress(base64.urlsafe_b64decode(body + "=" * (-len(body) % 4))))


def _encode(payload: dict) -> str:
    raw = zlib.compress(json.dumps(payload).encode())
    return share.PREFIX + base64.urlsafe_b64encode(raw).decode().rstrip("=")


@pytest.mark.parametrize("name", list(SCENARIOS))
def test_each_scenario_round_trips_verified(name):
    text = share.encode(shared_of(_trained(get_scenario(name), 60)))
    assert text.startswith("torchplay:v1:") and len(text) <= share.MAX_CHARS
    verdict = verify(share.decode(text))
    assert verdict.verified and verdict.differences() == []
    assert verdict.trainer.step_count == 60


def test_painted_points_travel_in_the_string():
    points = [[x / 10, (x / 10) ** 2] for x in range(-10, 11)]
    spec = get_scenario("regression").with_overrides({"data.points": points})
    text = share.encode(shared_of(_trained(spec, 40)))
    shared = share.decode(text)
    assert len(shared.spec.data.points) == 21
    assert verify(shared).verified


def test_a_forked_run_round_trips_with_its_fork():
    spec = get_scenario("classification")
    parent = _trained(spec, 30)
    child = lineage.fork(parent, 12, spec.with_overrides({"training.lr": 0.05}))
    child.run(steps=20)
    step = child.snapshots.nearest(25).step  # time travel forks at a snapshot
    grandchild = lineage.fork(child, step, spec.with_overrides({"training.lr": 0.01}))
    grandchild.run(steps=30 - step)
    shared = share.decode(share.encode(shared_of(grandchild)))
    assert [(s, sp.training.lr) for s, sp in shared.forks] == [(12, 0.05), (step, 0.01)]
    assert shared.spec.training.lr == 0.02 and shared.step == 30
    assert verify(shared).verified


def test_a_forked_checkpoint_holds_its_lineage_and_replays(tmp_path):
    from torchplay.engine.files import checkpoint

    parent = _trained(get_scenario("regression"), 10)
    spec = parent.spec.with_overrides({"training.lr": parent.spec.training.lr * 0.8})
    child = lineage.fork(parent, 5, spec)
    child.run(steps=7)
    checkpoint.save(child, tmp_path / "c.safetensors")
    loaded = checkpoint.restore(tmp_path / "c.safetensors")
    assert loaded.lineage == child.lineage == ((5, parent.spec),)
    assert verify(shared_of(loaded)).verified


def test_a_forked_checkpoint_without_its_lineage_is_refused_with_the_way_that_works(tmp_path):
    from torchplay.engine.files import checkpoint
    from torchplay.engine.run.errors import InputError

    parent = _trained(get_scenario("regression"), 10)
    child = lineage.fork(parent, 5)
    child.lineage = ()  # as checkpoints written before they held the lineage
    checkpoint.save(child, tmp_path / "c.safetensors")
    with pytest.raises(InputError, match=r"forked run .* copy the share string in the app \(y\)"):
        shared_of(checkpoint.restore(tmp_path / "c.safetensors"))


def test_a_different_hash_and_torch_version_is_not_verified_and_says_both():
    text = share.encode(shared_of(_trained(get_scenario("regression"), 10)))
    payload = _payload(text)
    payload.update(torch="1.0.0", weights_sha256="0" * 64)
    verdict = verify(share.decode(_encode(payload)))
    assert not verdict.verified
    lines = verdict.differences()
    assert lines[0].startswith("weights_sha256: the string says 0000000000000000..., here ")
    assert lines[1].startswith("torch: the string was made with 1.0.0, this is ")
    assert verdict.to_json()["verified"] is False


def test_a_step_the_run_cannot_reach_is_named():
    spec = get_scenario("regression").with_overrides({"training.lr": 100.0})
    trainer = _trained(spec, 50)  # diverges within a few steps
    payload = _payload(share.encode(shared_of(trainer)))
    payload["step"] = 50
    verdict = verify(share.decode(_encode(payload)))
    assert not verdict.verified
    assert verdict.differences()[0].startswith("step: the string says 50, the run here ended at ")


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("hello", "not a torchplay share string"),
        ("torchplay:v2:abc", "version 'v2' is not known here"),
        ("torchplay:v1:!!!!", "damaged"),
        ("torchplay:v1:" + "A" * 3000, "over 2048"),
        (_encode([1, 2]), "holds no run"),
        (_encode({"spec": {}, "step": 1, "weights_sha256": "x"}), "not a SHA-256"),
        (_encode({"spec": {"training": {"lr": -1}}, "step": 1, "weights_sha256": "a" * 64}),
         "bad spec: training.lr"),
        (_encode({"spec": {}, "step": -3, "weights_sha256": "a" * 64}), "step -3"),
        (_encode({"spec": {}, "step": 3, "weights_sha256": "a" * 64, "forks": [[9, {}]]}),
         "fork steps must rise up to the run's step"),
    ],
)  # fmt: skip
def test_damaged_strings_are_refused_by_what_is_wrong(text, says):
    with pytest.raises(share.ShareError) as info:
        share.decode(text)
    assert says in str(info.value)


def test_every_single_character_change_is_refused_or_not_verified():
    text = share.encode(shared_of(_trained(get_scenario("regression"), 5)))
    body = len(share.PREFIX)
    for index in range(body, len(text), 7):
        swapped = "A" if text[index] != "A" else "B"
        tampered = text[:index] + swapped + text[index + 1 :]
        try:
            shared = share.decode(tampered)
        except share.ShareError:
            continue
        assert not verify(shared).verified  # decoded to another run: its hash differs


def test_over_two_kilobytes_is_refused_with_the_toml_hint():
    points = [[i / 5000, (i % 7) / 7] for i in range(3000)]
    spec = get_scenario("regression").with_overrides({"data.points": points})
    shared = share.Shared(spec, 0, "a" * 64)
    with pytest.raises(share.ShareError, match="over 2048 .* save it as TOML"):
        share.encode(shared)
