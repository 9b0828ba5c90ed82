"""The engine's neuron surgery commands: ``ShowUnit`` (one hidden unit's numbers, with
each progress event while the app shows them) and ``Operate`` (kill, freeze, revive, or
set one value, now; recorded in the run's spec by
:meth:`torchplay.engine.train.surgery.Surgeon.operate`).

:class:`SurgeryCommands` is mixed into :class:`torchplay.engine.process.worker.Engine`,
which owns ``trainer``, ``conn`` and ``view_step``; on a snapshot in view an ``Operate``
forks from it first (``LineageCommands.fork``), so the surgery is where the person sees
it and the run it came from stays as the baseline.
"""

from __future__ import annotations

from torchplay.engine.process import events as ev


class SurgeryCommands:
    """``ShowUnit`` and ``Operate`` (:mod:`torchplay.engine.process.commands`)."""

    trainer: object
    conn: object
    view_step: int | None
    unit_shown: tuple[int, int] | None = None
    """(layer, unit) the app shows, from 1; None: none."""

    def show_unit(self, layer: int, unit: int) -> None:
        """Raises:
        InputError: no such unit."""
        if layer <= 0 or self.trainer is None:
            self.unit_shown = None
            return
        from torchplay.engine.train.unitview import check_unit

        check_unit(self.trainer, layer, unit)
        self.unit_shown = (layer, unit)
        self.send_unit()

    def send_unit(self, operated: str = "", before=None) -> None:
        """The shown unit's numbers, from the weights in view."""
        if self.unit_shown is None or self.trainer is None:
            return
        from torchplay.engine.train.unitview import unit_view

        view = unit_view(self.trainer, *self.unit_shown, self.view_step)
        self.conn.send(ev.UnitShown(view, operated, before))

    def operate(self, layer: int, unit: int, action: str, index: int, value: float) -> None:
        """Surgery now; the unit's numbers, the charts and the neurons follow at once.

        Raises:
            InputError: no such unit or weight, an unknown action, or a compiled run.
        """
        from torchplay.engine.run.errors import InputError
        from torchplay.engine.run.surgery import ACTIONS
        from torchplay.engine.train.unitview import check_unit, unit_view

        if self.trainer is None:
            return
        if action not in ACTIONS:
            raise InputError(f"unknown surgery {action!r}: use one of {', '.join(ACTIONS)}")
        check_unit(self.trainer, layer, unit)
        was = unit_view(self.trainer, layer, unit, self.view_step)
        if self.view_step is not None:
            self.fork(self.trainer.spec)  # type: ignore[attr-defined]  # LineageCommands
        entry = self.trainer.surgeon.operate(layer, unit, action, index, value)
        self.unit_shown = (layer, unit)
        self._emit()  # type: ignore[attr-defined]  # the boundary and metrics, now
        self.send_unit(entry.text, (was.loss, was.metric))
