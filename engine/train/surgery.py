"""Neuron surgery on a run: the spec's ``training.surgery`` entries
(:mod:`torchplay.engine.run.surgery`) applied to the network at their steps, and the
app's live surgery recorded as such entries.

A :class:`Surgeon` belongs to one :class:`~torchplay.engine.train.trainer.Trainer`. It
keeps which units are frozen and which are killed (with the outgoing weights a kill
zeroed, so a revive gives them back), tells the stepper which entries of the flat
buffer no step may change (:class:`~torchplay.engine.steppers.freeze.Frozen`), and
hands its state to snapshots and checkpoints as plain data (:meth:`Surgeon.state`):
time travel, forks and resumed runs go on with the same surgery.
"""

from __future__ import annotations

import dataclasses

import torch
from torchplay.engine.run.errors import InputError
from torchplay.engine.run.surgery import Surgery, check_shape
from torchplay.engine.steppers.freeze import Frozen
from torchplay.engine.train.model import linears

Unit = tuple[int, int]
"""(hidden layer, unit), both from 1."""


class Surgeon:
    """The surgery of one run: its state, and the entries still to come."""

    def __init__(self, trainer) -> None:
        self.trainer = trainer
        self.layers = linears(trainer.net)
        widths = [self.layers[0].weight.shape[1], *(m.weight.shape[0] for m in self.layers)]
        self.widths = widths
        check_shape(trainer.spec.training.surgery, widths)
        self.frozen: set[Unit] = set()
        self.killed: dict[Unit, list[float]] = {}
        """Killed units and their outgoing weights when killed (a revive puts them back)."""
        self.cut = -1
        """The step whose entries apply next (-1: none to come)."""
        self.before: dict[int, dict | None] = {}
        """The state just before the entries of each recent step (:meth:`rewind`)."""

    @property
    def entries(self) -> tuple[Surgery, ...]:
        return self.trainer.spec.training.surgery

    def start(self, step: int) -> None:
        """Entries after ``step`` are still to come; at step 0 the step-0 entries apply
        now (a new run)."""
        if step == 0:
            self.due(0)
        else:
            self.cut = self._next_after(step)

    def _next_after(self, step: int) -> int:
        return next((s.step for s in self.entries if s.step > step), -1)

    def due(self, step: int) -> int:
        """Apply the entries of ``step`` (the run just reached it); returns :attr:`cut`."""
        self._remember(step)
        for entry in self.entries:
            if entry.step == step:
                self.apply(entry)
        self.cut = self._next_after(step)
        return self.cut

    # -- one entry ----------------------------------------------------------------------

    @torch.no_grad()
    def apply(self, s: Surgery) -> None:
        """Do what ``s`` says to the network now."""
        unit, k = (s.layer, s.unit), s.unit - 1
        incoming, outgoing = self.layers[s.layer - 1], self.layers[s.layer]
        if s.action == "kill" and unit not in self.killed:
            self.killed[unit] = outgoing.weight[:, k].tolist()
            outgoing.weight[:, k] = 0.0
        elif s.action == "freeze":
            self.frozen.add(unit)
        elif s.action == "revive":
            self.frozen.discard(unit)
            if unit in self.killed:
                outgoing.weight[:, k] = torch.tensor(self.killed.pop(unit))
        elif s.action == "bias":
            incoming.bias[k] = s.value
        elif s.action == "in":
            incoming.weight[k, s.index - 1] = s.value
        elif s.action == "out":
            outgoing.weight[s.index - 1, k] = s.value
        self._hand_to_stepper()

    def _hand_to_stepper(self) -> None:
        stepper = self.trainer.stepper
        if not hasattr(stepper, "frozen"):
            return  # the compiled kernel never runs a spec with surgery (compiled.choose)
        flat = self.trainer.flat
        base = flat.storage_offset()
        parts = []
        for layer, unit in sorted(self.frozen):
            m, k = self.layers[layer - 1], unit - 1
            row = m.weight.storage_offset() - base + k * m.weight.shape[1]
            parts.append(torch.arange(row, row + m.weight.shape[1]))
            parts.append(torch.tensor([m.bias.storage_offset() - base + k]))
        for layer, unit in sorted(self.killed):
            m = self.layers[layer]
            outs, ins = m.weight.shape
            start = m.weight.storage_offset() - base + unit - 1
            parts.append(torch.arange(start, start + outs * ins, ins))
        if not parts:
            stepper.frozen = None
            return
        index = torch.unique(torch.cat(parts))  # sorted, once each
        stepper.frozen = Frozen(flat, index)

    # -- live surgery (the app) -------------------------------------------------------

    def operate(self, layer: int, unit: int, action: str, index: int = 0, value: float = 0.0):
        """Surgery now, at the run's step: applied, and recorded in the run's spec (so a
        checkpoint keeps it and the spec trains it again headless).

        Raises:
            InputError: no such unit or weight, or a run on the compiled kernel.
        """
        t = self.trainer
        if not hasattr(t.stepper, "frozen"):
            raise InputError("surgery runs on the exact kernel: start the run with --kernel exact")
        entry = Surgery(t.step_count, layer, unit, action, index, float(value))
        check_shape((entry,), self.widths)
        training = t.spec.training
        kept = tuple(s for s in training.surgery if s.step <= t.step_count)
        surgery = dataclasses.replace(training, surgery=(*kept, entry))
        t.spec = dataclasses.replace(t.spec, training=surgery)
        self._remember(t.step_count)
        self.apply(entry)
        self.cut = -1
        t.snapshots.take(t)  # the snapshot of this step holds the surgery, as a replay's would
        return entry

    def _remember(self, step: int) -> None:
        """Keep the state before ``step``'s surgery (the last few steps': a divergence
        rolls back at most two)."""
        if step not in self.before:
            self.before[step] = self.state()
            for old in sorted(self.before)[:-4]:
                del self.before[old]

    def rewind(self, step: int) -> None:
        """The run went back to ``step`` (a divergence kept earlier weights): the surgery
        after it is undone here too and comes again when the run gets there."""
        later = [s for s in self.before if s > step]
        if later:
            self.load(self.before[min(later)], step)
            for s in later:
                del self.before[s]

    # -- state --------------------------------------------------------------------------

    def state(self) -> dict | None:
        """The frozen and killed units as plain data (JSON), None when there are none."""
        if not self.frozen and not self.killed:
            return None
        return {
            "frozen": [list(u) for u in sorted(self.frozen)],
            "killed": [[*u, w] for u, w in sorted(self.killed.items())],
        }

    def load(self, state: dict | None, step: int) -> None:
        """Take ``state`` (:meth:`state`'s) at ``step``: entries after it are to come.

        Raises:
            ValueError: ``state`` is not what :meth:`state` writes.
        """
        self.frozen = {(int(a), int(b)) for a, b in (state or {}).get("frozen", [])}
        self.killed = {
            (int(a), int(b)): [float(x) for x in w] for a, b, w in (state or {}).get("killed", [])
        }
        hidden = self.widths[1:-1]
        for layer, unit in [*self.frozen, *self.killed]:
            if not (1 <= layer <= len(hidden) and 1 <= unit <= hidden[layer - 1]):
                raise ValueError(f"surgery state names unit {unit} of layer {layer}")
        self._hand_to_stepper()
        self.cut = self._next_after(step)

    def status(self, layer: int, unit: int) -> str:
        """``killed``, ``frozen``, ``killed, frozen`` or ``alive``."""
        words = [
            w
            for w, on in (
                ("killed", (layer, unit) in self.killed),
                ("frozen", (layer, unit) in self.frozen),
            )
            if on
        ]
        return ", ".join(words) or "alive"
