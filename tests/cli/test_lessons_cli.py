"""``torchplay learn``, ``check``, ``share`` and ``open`` as a contract: stdout, stderr
and the exit code."""

from __future__ import annotations

import json

from torchplay.engine.run.lessons import builtin_names
from torchplay.tui.app import settings


def test_learn_lists_every_lesson_and_marks_the_passed(cli):
    settings.save(settings.Settings(passed=("xor-hidden",)))
    code, out, err = cli("learn")
    assert (code, err) == (0, "")
    lines = out.splitlines()
    assert len([line for line in lines if line[3:5].strip().isdigit()]) == len(builtin_names())
    assert lines[5].startswith("✓  6 xor-hidden ") and lines[0].startswith("   1 regression ")
    code, out, _ = cli("learn", "--json")
    items = json.loads(out)
    assert [i["name"] for i in items] == builtin_names()
    assert {i["name"] for i in items if i["passed"]} == {"xor-hidden"}
    assert set(items[0]) == {"name", "title", "passed", "goal"}


def test_check_grades_the_start_as_a_fail_and_a_solution_as_a_pass(cli, tmp_path):
    code, out, err = cli("check", "xor-hidden")
    assert (code, err) == (1, "")
    assert out.splitlines() == [
        "xor-hidden: FAIL (the lesson's start)",
        "  ✗ accuracy >= 0.95             accuracy = 0.55",
    ]
    good = tmp_path / "good.toml"
    good.write_text(
        '[data]\ndataset = "xor"\nsamples = 200\n[model]\nhidden = [8]\n'
        "[training]\nlr = 0.5\nsteps = 300\n"
    )
    code, out, err = cli("check", "xor-hidden", "--solution", str(good), "--json")
    assert (code, err) == (0, "")
    res = json.loads(out)
    assert res["passed"] is True and res["lesson"] == "xor-hidden"
    assert res["terms"] == [
        {"term": "accuracy >= 0.95", "name": "accuracy", "value": 0.9900000095367432,
         "passed": True}
    ]  # fmt: skip
    assert res["locked_changed"] == [] and res["results"]["params"] == 42


def test_check_fails_a_solution_that_changed_a_locked_field(cli, tmp_path):
    cheat = tmp_path / "cheat.toml"
    cheat.write_text('[data]\ndataset = "clouds"\nsamples = 200\n[model]\nhidden = [8]\n')
    code, out, _ = cli("check", "xor-hidden", "--solution", str(cheat))
    assert code == 1
    assert "  ✗ locked: data.dataset = 'clouds' (the lesson's: 'xor')" in out.splitlines()


def test_check_grades_a_checkpoint_as_it_is(cli, tmp_path):
    ckpt = str(tmp_path / "a.safetensors")
    assert cli("train", "regression", "--steps", "300", "--save", ckpt, "--quiet")[0] == 0
    code, out, _ = cli("check", "regression", "--solution", ckpt, "--json")
    res = json.loads(out)
    assert (code, res["passed"], res["results"]["steps"]) == (0, True, 300)


def test_check_bad_input_exits_2_with_one_line(cli, tmp_path):
    for args, says in [
        (("check", "nope"), "unknown lesson 'nope'"),
        (("check", "regression", "--solution", str(tmp_path / "no.toml")), "cannot read spec"),
        (("check", str(tmp_path / "lesson.toml")), "cannot read lesson"),
    ]:
        code, out, err = cli(*args)
        assert (code, out) == (2, "")
        assert err.count("\n") == 1 and says in err


def test_share_then_open_says_verified(cli):
    code, text, err = cli("share", "classification")
    assert (code, err) == (0, "") and text.startswith("torchplay:v1:")
    code, out, err = cli("open", text.strip())
    assert (code, err) == (0, "")
    assert out.startswith("verified: classification at step 100, weights_sha256 ")
    code, out, _ = cli("open", text.strip(), "--json")
    res = json.loads(out)
    assert res["verified"] and res["weights_sha256"] == res["expected_weights_sha256"]


def test_a_tampered_string_exits_2(cli):
    text = cli("share", "regression")[1].strip()
    tampered = text[:30] + ("A" if text[30] != "A" else "B") + text[31:]
    code, out, err = cli("open", tampered)
    assert (code, out) == (2, "")
    assert err == (
        "torchplay: error: share string damaged (a character changed or missing): "
        "copy it again whole\n"
    )


def test_share_of_too_many_painted_points_is_refused_with_the_toml_hint(cli, tmp_path):
    spec = tmp_path / "painted.toml"
    points = ", ".join(f"[{i / 700:.5f}, {(i * 37 % 101) / 101:.5f}]" for i in range(700))
    spec.write_text(f"[data]\npoints = [{points}]\n[training]\nsteps = 1\n")
    code, out, err = cli("share", str(spec))
    assert (code, out) == (2, "")
    assert "over 2048" in err and "save it as TOML" in err and err.count("\n") == 1


def test_open_reports_another_torch_version_as_not_verified(cli):
    import base64
    import zlib

    text = cli("share", "regression")[1].strip()
    body = text[len("torchplay:v1:") :]
    payload = json.loads(zlib.decompress(base64.urlsafe_b64decode(body + "=" * (-len(body) % 4))))
    payload.update(torch="2.99.0", weights_sha256="f" * 64)
    raw = zlib.compress(json.dumps(payload).encode())
    changed = "torchplay:v1:" + base64.urlsafe_b64encode(raw).decode().rstrip("=")
    code, out, err = cli("open", changed)
    assert (code, err) == (1, "")
    lines = out.splitlines()
    assert lines[0] == "not verified:"
    assert lines[1].startswith("  weights_sha256: the string says ffffffffffffffff..., here ")
    assert lines[2].startswith("  torch: the string was made with 2.99.0, this is ")


def test_a_damaged_string_for_the_app_exits_2_before_it_opens(cli):
    for args in (("tui", "torchplay:v1:AAAA"), ("torchplay:v1:AAAA",)):
        code, out, err = cli(*args)
        assert (code, out) == (2, "")
        assert err == (
            "torchplay: error: share string damaged (a character changed or missing): "
            "copy it again whole\n"
        )


def test_learn_name_checks_the_lesson_then_the_terminal(cli, tmp_path):
    code, out, err = cli("learn", "nope")
    assert (code, out) == (2, "")
    assert err.startswith("torchplay: error: unknown lesson 'nope'") and err.count("\n") == 1
    bad = tmp_path / "bad.toml"
    bad.write_text('title = "x"\ngoal = "loss < 1"\n[spec]\n')
    code, _, err = cli("learn", str(bad))
    assert code == 2 and "'loss' is not a result" in err
    code, _, err = cli("learn", "xor-hidden")  # stdin and stdout are no terminal here
    assert code == 2 and "torchplay learn opens the app and needs a terminal" in err
