"""The population and the single run on CUDA, ready for a GPU: ``python -m bench.cuda``.

Rows: the stacked population (:class:`~torchplay.engine.steppers.stacked.Stacked`, the
code ``--device cuda`` runs) of the regression scenario at K = 1, 1,024, 16,384 and
262,144 members, in model-steps/s; and the single run (K = 1) eager and as a CUDA graph
of N steps replayed (one launch for N steps: the answer to per-step launch latency).
Members are copies of one trainer's weights with a little noise: building 262,144
:class:`Trainer` objects would measure Python, not the GPU.

``--dry-run`` runs every code path but the graph capture on the CPU with small K and few
steps, so CI proves the script runs where no GPU is (tests/engine/test_bench_cuda.py).
"""

from __future__ import annotations

import argparse
import json
import time
import types

import torch
from torchplay.engine.run.scenarios import get_scenario
from torchplay.engine.steppers.stacked import Stacked
from torchplay.engine.train.trainer import Trainer

SIZES = (1, 1024, 16_384, 262_144)
DRY_SIZES = (1, 4, 16)


def stack(k: int, device: torch.device) -> tuple[Stacked, tuple]:
    """K members of the regression scenario on ``device``: the stacked network and
    (x, y, scaled) for its full batch."""
    base = Trainer(get_scenario("regression").with_overrides({"training.steps": 10**8}))
    member = types.SimpleNamespace(
        flat=base.flat, lr=base.lr, spec=base.spec, stepper=base.stepper, loss=base.loss,
        net=base.net, backup_rows=base.backup_rows,
    )  # fmt: skip
    net = Stacked([member], device)  # one member's layout and hyperparameters
    gen = torch.Generator().manual_seed(0)
    noise = 0.01 * torch.randn(k, base.flat.shape[0], generator=gen)
    net.P = (base.flat.expand(k, -1) + noise).to(device)
    net.G = torch.zeros_like(net.P)
    net.backups = [net.P.clone(), net.P.clone()]
    _views(net, base)
    x = base.batches.x.to(device).expand(k, -1, -1).contiguous()
    y = base.batches.y.to(device).expand(k, -1, -1).contiguous()
    return net, (x, y, None)


def _views(net: Stacked, base: Trainer) -> Stacked:
    """Rebuild ``net``'s weight and gradient views over its (new) ``P`` and ``G``."""
    from torchplay.engine.train.model import linears

    k, start = net.P.shape[0], base.flat.storage_offset()
    layout = [
        (m.weight.storage_offset() - start, tuple(m.weight.shape), m.bias.storage_offset() - start)
        for m in linears(base.net)
    ]
    net.W = [net.P[:, w : w + o * i].view(k, o, i) for w, (o, i), _ in layout]
    net.Wt = [w.transpose(1, 2) for w in net.W]
    net.B = [net.P[:, b : b + o].view(k, 1, o) for _, (o, _), b in layout]
    net.GW = [net.G[:, w : w + o * i].view(k, o, i) for w, (o, i), _ in layout]
    net.GB = [net.G[:, b : b + o] for _, (o, _), b in layout]
    return net


def _sync(device: torch.device) -> None:
    if device.type == "cuda":
        torch.cuda.synchronize()


def eager(net: Stacked, batch: tuple, steps: int) -> float:
    """Model-steps/s of ``steps`` eager steps."""
    device = net.P.device
    for _ in range(3):
        net.forward_backward(*batch)
        net.update()
    _sync(device)
    t0 = time.perf_counter()
    for _ in range(steps):
        net.forward_backward(*batch)
        net.update()
    _sync(device)
    return steps * net.P.shape[0] / (time.perf_counter() - t0)


def graphed(net: Stacked, batch: tuple, steps: int, replays: int = 5) -> float:
    """Model-steps/s of a CUDA graph of ``steps`` steps, replayed ``replays`` times."""
    stream = torch.cuda.Stream()
    stream.wait_stream(torch.cuda.current_stream())
    with torch.cuda.stream(stream):  # warm up on a side stream, as capture wants
        for _ in range(3):
            net.forward_backward(*batch)
            net.update()
    torch.cuda.current_stream().wait_stream(stream)
    graph = torch.cuda.CUDAGraph()
    with torch.cuda.graph(graph):
        for _ in range(steps):
            net.forward_backward(*batch)
            net.update()
    graph.replay()
    torch.cuda.synchronize()
    t0 = time.perf_counter()
    for _ in range(replays):
        graph.replay()
    torch.cuda.synchronize()
    return replays * steps * net.P.shape[0] / (time.perf_counter() - t0)


def measure(dry_run: bool = False, steps: int = 200, graph_steps: int = 1000) -> dict:
    """Every row: population model-steps/s by K, and the single run eager and graphed."""
    device = torch.device("cpu" if dry_run else "cuda")
    sizes, steps = (DRY_SIZES, 3) if dry_run else (SIZES, steps)
    res: dict = {"device": "cpu (dry run)" if dry_run else torch.cuda.get_device_name()}
    for k in sizes:
        net, batch = stack(k, device)
        res[f"population_k{k}_model_steps_per_s"] = eager(net, batch, steps)
    single, batch = stack(1, device)
    res["single_eager_steps_per_s"] = eager(single, batch, steps)
    if not dry_run:
        res[f"single_graph_{graph_steps}_steps_per_s"] = graphed(single, batch, graph_steps)
    return res


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--dry-run", action="store_true", help="on the CPU, small K (CI)")
    parser.add_argument("--steps", type=int, default=200, help="eager steps per size")
    parser.add_argument("--graph-steps", type=int, default=1000, help="steps in the graph")
    args = parser.parse_args()
    if not args.dry_run and not torch.cuda.is_available():
        raise SystemExit("bench.cuda: no CUDA device here; --dry-run runs it on the CPU")
    res = measure(args.dry_run, args.steps, args.graph_steps)
    for key, value in res.items():
        print(f"{key:42s} {value if isinstance(value, str) else f'{value:,.0f}'}")
    print(json.dumps(res))


if __name__ == "__main__":
    main()
