"""``torchplay share SOURCE|CKPT`` and ``torchplay open STRING``: a run as one line, and
that line trained again and checked (:mod:`torchplay.engine.run.share`).

``open`` exits 0 and prints ``verified`` when the weights hash matches, 1 when it does
not (saying what differs: the step, the hash, the torch version), 2 for a string that does
not decode. No Textual here.
"""

from __future__ import annotations

import argparse
import json

from torchplay.engine.run.errors import EXIT_OK

EXIT_UNVERIFIED = 1
"""``open``: the run trained again, but its weights differ from the string's."""


def add_share_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "source",
        help="a scenario, a spec FILE.toml (trained to its steps first) or a checkpoint",
    )


def add_open_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("string", help="a share string, torchplay:v1:...")
    p.add_argument(
        "--json",
        action="store_true",
        help='print {"verified", "step", "weights_sha256", "expected_weights_sha256", '
        '"torch", "string_torch", "differences", "spec", ...}',
    )


def cmd_share(args) -> int:
    from torchplay.engine.run import share
    from torchplay.engine.run.source import resolve
    from torchplay.engine.train.replay import shared_of

    source = resolve(args.source, checkpoints=True)
    if source.checkpoint is not None:
        from torchplay.engine.files import checkpoint

        trainer = checkpoint.restore(source.checkpoint)
    else:
        from torchplay.engine.train.grade import train

        trainer = train(source.spec)
    print(share.encode(shared_of(trainer)))
    return EXIT_OK


def cmd_open(args) -> int:
    from torchplay.engine.run import share
    from torchplay.engine.train.replay import verify

    verdict = verify(share.decode(args.string))
    if args.json:
        print(json.dumps(verdict.to_json()))
    elif verdict.verified:
        print(
            f"verified: {verdict.shared.final_spec.name} at step {verdict.trainer.step_count}, "
            f"weights_sha256 {verdict.weights_sha256[:16]}..."
        )
    else:
        print("not verified:")
        for line in verdict.differences():
            print(f"  {line}")
    return EXIT_OK if verdict.verified else EXIT_UNVERIFIED
