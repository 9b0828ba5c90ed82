"""The engine's diagnostic views: every hidden neuron (the app's ``v``) and the health
view (``g``: gradient flow, dead units, the confusion matrix) and one point's backprop
(``i``), computed from the weights
in view (the live end, or the time-travel snapshot) and sent as typed events.

:class:`DiagCommands` is mixed into :class:`torchplay.engine.process.worker.Engine`, which
owns ``trainer``, ``conn`` and ``view_step``.
"""

from __future__ import annotations

from torchplay.engine.process import events as ev


class DiagCommands:
    """``Neurons`` and ``Health`` (:mod:`torchplay.engine.process.commands`)."""

    trainer: object
    conn: object
    view_step: int | None
    neuron_grid: tuple[int, int] | None = None
    """Each hidden neuron's grid (columns, rows) while the app shows them; None: off."""
    health_on: bool = False
    """Whether the app shows the health view."""
    strip_cache: object = None
    """The health view's strips over the snapshots, kept while they stay the same."""
    warp_at: tuple[int, int, int] | None = None
    """(layer, x unit, y unit) of the representation view the app shows; None: off."""

    def neurons(self, cols: int, rows: int) -> None:
        """Send every hidden neuron's output on a ``cols`` x ``rows`` grid with each
        progress event (0 columns: stop)."""
        self.neuron_grid = (min(cols, 40), min(rows, 20)) if cols > 0 else None
        if self.neuron_grid and self.trainer is not None:
            self._send_neurons()

    def health(self, on: bool) -> None:
        """Send the health view of the weights in view now and with each progress event
        and time-travel step (``on`` False: stop)."""
        self.health_on = on
        self.send_health()

    def send_diagnostics(self) -> None:
        """The views the app shows, of the live end (with each progress event)."""
        if self.neuron_grid is not None:
            self._send_neurons()
        self.send_views()

    def send_views(self) -> None:
        """The views that follow the weights in view: the health view, the representation
        view and the surgery screen's unit (each when the app shows it)."""
        self.send_health()
        self.send_warp()
        self.send_unit()  # type: ignore[attr-defined]  # SurgeryCommands

    def warp(self, layer: int, x: int, y: int) -> None:
        """Raises:
        InputError: no such layer or unit, or data of more than two inputs."""
        if layer <= 0 or self.trainer is None:
            self.warp_at = None
            return
        from torchplay.engine.train.warp import check_warp

        check_warp(self.trainer, layer, (x, y))
        self.warp_at = (layer, x, y)
        self.send_warp()

    def send_warp(self) -> None:
        """The representation view of the weights in view, when the app shows it."""
        t = self.trainer
        if self.warp_at is None or t is None:
            return
        from torchplay.engine.train.warp import warp_view

        layer, x, y = self.warp_at
        self.conn.send(ev.Warped(warp_view(t, layer, (x, y), self.view_step)))

    def send_health(self) -> None:
        """The health view of the weights in view, when the app shows it."""
        t = self.trainer
        if not self.health_on or t is None:
            return
        from torchplay.engine.train.healthview import health_view
        from torchplay.engine.train.strips import StripCache

        if self.strip_cache is None:
            self.strip_cache = StripCache()
        self.conn.send(ev.HealthShown(health_view(t, self.view_step, self.strip_cache)))

    def inspect(self, point: list[float]) -> None:
        """Raises:
        InputError: a point of the wrong width."""
        t = self.trainer
        if t is None:
            return
        from torchplay.engine.train.healthview import inspect_point

        step, trace = inspect_point(t, point, self.view_step)
        self.conn.send(ev.Inspected(step, list(point), trace))

    def _send_neurons(self) -> None:
        from torchplay.engine.train.neurons import neuron_view

        self.conn.send(ev.NeuronsShown(neuron_view(self.trainer, *self.neuron_grid)))
