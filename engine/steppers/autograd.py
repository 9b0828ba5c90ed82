"""The autograd path: the tutorial's loop with ``torch.optim``, for any optimizer and any
layer plan. A network with dropout or batch norm (:func:`~torchplay.engine.train.model.is_modal`)
is switched to train mode for each step only, and dropout draws its masks from a stream of
its own (seeded by the run's data seed, kept in checkpoints as ``optim.rng``), so a run
resumed from a checkpoint draws the masks the straight run draws. A step that leaves batch
norm's running statistics non-finite (weights grown past float32's range) diverges like a
non-finite loss, and the statistics go back with the weights.
"""

from __future__ import annotations

import math

import torch
from torch import nn
from torchplay.engine.run.spec import TrainingSpec
from torchplay.engine.steppers.freeze import Frozen
from torchplay.engine.train import penalty
from torchplay.engine.train.model import is_modal, linears


def make_optimizer(params, training: TrainingSpec, lr: float) -> torch.optim.Optimizer:
    """The ``torch.optim`` optimizer for ``training`` (importing it costs ~1 s the first time)."""
    tr = training
    if tr.optimizer == "sgd":
        return torch.optim.SGD(
            params, lr=lr, momentum=tr.momentum, nesterov=tr.nesterov, weight_decay=tr.weight_decay
        )
    if tr.optimizer == "adam":
        return torch.optim.Adam(params, lr=lr, weight_decay=tr.weight_decay)
    if tr.optimizer == "adamw":
        return torch.optim.AdamW(params, lr=lr, weight_decay=tr.weight_decay)
    if tr.optimizer == "rmsprop":
        return torch.optim.RMSprop(
            params, lr=lr, momentum=tr.momentum, weight_decay=tr.weight_decay
        )
    return torch.optim.Adagrad(params, lr=lr, weight_decay=tr.weight_decay)


class AutogradStepper:
    """One step exactly as the tutorial writes it: forward, loss, zero_grad, backward, step."""

    fused = False

    def __init__(
        self, net: nn.Module, training: TrainingSpec, loss: str, lr: float, seed: int = 0
    ) -> None:
        self.net = net
        self.modal = is_modal(net)
        self.rng: torch.Tensor | None = None
        """Dropout's RNG state between steps (torch's CPU generator state)."""
        if self.modal:
            self.rng = torch.Generator().manual_seed(seed).get_state()
        self.stats = [b for b in net.buffers() if b.is_floating_point()]
        """Batch norm's running statistics: a step that makes one non-finite diverges."""
        self._stats_before: list[list[torch.Tensor]] = []
        """Their values before the last two steps (the newest last)."""
        self.training = training
        self.loss_func = nn.MSELoss() if loss == "mse" else nn.CrossEntropyLoss()
        self.optimizer = make_optimizer(net.parameters(), training, lr)
        self.rates = (training.l1, training.l2)
        self.penalised = [m.weight for m in linears(net)] if any(self.rates) else []
        self.frozen: Frozen | None = None
        """Entries no step changes (neuron surgery: :mod:`.freeze`)."""

    def reset_state(self) -> None:
        lr = self.optimizer.param_groups[0]["lr"]
        self.optimizer = make_optimizer(self.net.parameters(), self.training, lr)

    def set_lr(self, lr: float) -> None:
        for group in self.optimizer.param_groups:
            group["lr"] = lr

    def prepare_targets(self, y: torch.Tensor) -> torch.Tensor:
        return y

    def step(self, x: torch.Tensor, y: torch.Tensor) -> float:
        if self.modal:
            return self._modal_step(x, y)
        return self._step(x, y)

    def _modal_step(self, x: torch.Tensor, y: torch.Tensor) -> float:
        """A step in train mode, with dropout's own RNG; the net is left in eval mode
        (predictions, test losses and exports read it there)."""
        if self.stats:
            self._stats_before = [*self._stats_before[-1:], [b.clone() for b in self.stats]]
        with torch.random.fork_rng(devices=[]):
            torch.set_rng_state(self.rng)
            self.net.train()
            try:
                loss = self._step(x, y)
            finally:
                self.net.eval()
                self.rng = torch.get_rng_state()
        if self.stats and not (
            math.isfinite(loss) and all(bool(torch.isfinite(b).all()) for b in self.stats)
        ):
            # The trainer keeps the weights before the previous step (Trainer._diverge):
            # the running statistics of that moment go with them.
            with torch.no_grad():
                for b, old in zip(self.stats, self._stats_before[0], strict=True):
                    b.copy_(old)
            return math.nan
        return loss

    def _step(self, x: torch.Tensor, y: torch.Tensor) -> float:
        prediction = self.net(x)
        loss = self.loss_func(prediction, y)
        self.optimizer.zero_grad()
        if self.penalised:  # L1/L2 join the loss; the data loss is what is reported
            (loss + penalty.total(self.penalised, *self.rates)).backward()
        else:
            loss.backward()
        frozen = self.frozen
        if frozen is None:
            self.optimizer.step()
            return loss.item()
        kept = frozen.hold_params(list(self.net.parameters()))
        self.optimizer.step()
        frozen.release(kept)
        return loss.item()

    def state_tensors(self) -> dict[str, torch.Tensor]:
        out = {} if self.rng is None else {"optim.rng": self.rng.clone()}
        for idx, entry in self.optimizer.state_dict()["state"].items():
            for key, value in entry.items():
                if isinstance(value, torch.Tensor):
                    out[f"optim.{idx}.{key}"] = value.detach().clone()
        return out

    def load_state_tensors(self, tensors: dict[str, torch.Tensor]) -> None:
        state: dict[int, dict[str, torch.Tensor]] = {}
        for name, value in tensors.items():
            if name == "optim.rng":
                if self.rng is not None:
                    self.rng = value.clone()
                continue
            _, idx, key = name.split(".", 2)
            state.setdefault(int(idx), {})[key] = value.clone()
        sd = self.optimizer.state_dict()
        sd["state"] = state
        self.optimizer.load_state_dict(sd)
