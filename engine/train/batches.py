"""The minibatch order: full batch, or shuffled slices, with state a checkpoint keeps."""

from __future__ import annotations

import torch


class Batches:
    """Full batch, or shuffled minibatches: one permutation per epoch, drawn from a
    dedicated generator, then contiguous slices (no DataLoader overhead)."""

    def __init__(self, x: torch.Tensor, y: torch.Tensor, batch_size: int, seed: int) -> None:
        self.x, self.y = x, y
        self.n = x.shape[0]
        self.size = batch_size if 0 < batch_size < self.n else 0
        self.generator = torch.Generator().manual_seed(seed + 104729)
        self.perm: torch.Tensor | None = None
        self.pos = 0

    def next(self) -> tuple[torch.Tensor, torch.Tensor]:
        if not self.size:
            return self.x, self.y
        if self.perm is None or self.pos >= self.n:
            self.new_epoch()
        batch = slice(self.pos, self.pos + self.size)
        self.pos += self.size
        return self.xs[batch], self.ys[batch]

    def new_epoch(self) -> None:
        """Draw the next epoch's permutation from the generator; start at its beginning."""
        self._shuffle(torch.randperm(self.n, generator=self.generator))

    def _shuffle(self, perm: torch.Tensor) -> None:
        self.perm, self.pos = perm, 0
        self.xs, self.ys = self.x[perm], self.y[perm]

    def state_tensors(self) -> dict[str, torch.Tensor]:
        out = {
            "batch.generator": self.generator.get_state(),
            "batch.pos": torch.tensor(self.pos, dtype=torch.int64),
        }
        if self.perm is not None:
            out["batch.perm"] = self.perm.clone()
        return out

    def load_state_tensors(self, tensors: dict[str, torch.Tensor]) -> None:
        self.generator.set_state(tensors["batch.generator"])
        if "batch.perm" in tensors:
            self._shuffle(tensors["batch.perm"].clone())
        self.pos = int(tensors["batch.pos"])
