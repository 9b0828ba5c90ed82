"""The app's status line and the data chart's heading, as text from plain data.

No Textual here: the app calls these with its state and the latest progress event, and
unit tests read them directly.
"""

from __future__ import annotations

from enum import StrEnum

from torchplay.engine.process.events import Snapshot, StepsCompleted
from torchplay.engine.run.spec import MAX_STEPS
from torchplay.engine.run.views import StepView
from torchplay.tui.draw.progress import fmt


class AppState(StrEnum):
    """The states only the app knows, beside the run's own
    (:class:`~torchplay.engine.process.events.RunState`, which the engine owns and reports)."""

    STARTING = "starting"
    """The engine process is starting (it imports torch): there is no run yet."""
    ERROR = "error"
    """The engine process stopped; ``r`` starts a new one."""


QUEUED = {"toggle": "run", "step": "one step", "sweep": "the sweep screen"}
"""Run keys that wait for the engine's start (action -> what the status calls it)."""


def waiting(queued: list[str]) -> str:
    """The run keys waiting for the engine, in order: ``run``, ``2 steps, run``."""
    said: list[list] = []  # [what, how many times in a row]
    for action in queued:
        if said and said[-1][0] == action:
            said[-1][1] += 1
        else:
            said.append([action, 1])
    return ", ".join(
        f"{n} steps" if action == "step" and n > 1 else ", ".join([QUEUED[action]] * n)
        for action, n in said
    )


def duration(seconds: float) -> str:
    """``42s``, ``3m04s``, ``2h05m``."""
    s = round(seconds)
    if s < 60:
        return f"{s}s"
    if s < 3600:
        return f"{s // 60}m{s % 60:02d}s"
    return f"{s // 3600}h{s % 3600 // 60:02d}m"


def progress(snap: Snapshot, eta: bool) -> str:
    """``step 40/100``, ``step 40/100 ETA 3s`` while running (``eta``), or
    ``step 4,000 (until paused)`` for a run without an end."""
    if snap.target >= MAX_STEPS:
        return f"step {snap.step:,} (until paused)"
    if snap.step > snap.target:  # steps by hand past the end
        return f"step {snap.step:,}"
    text = f"step {snap.step:,}/{snap.target:,}"
    if eta and snap.steps_per_s > 0 and snap.target > snap.step:
        text += f" ETA {duration((snap.target - snap.step) / snap.steps_per_s)}"
    return text


def _accuracy_on(last: StepsCompleted | StepView) -> str:
    """Which set the accuracy is measured on: the test set when there is one."""
    return "test" if last.test_loss is not None else "train"


def heading(last: StepsCompleted | StepView) -> str:
    """The data chart's title: the accuracy or R² of the weights it shows."""
    if last.accuracy is not None:
        return f"{_accuracy_on(last)} acc {fmt(last.accuracy, '.3f')} · denser shade = surer"
    return f"fit   R² {fmt(last.r2, '.4g')}"


def states(state: str, last: StepsCompleted | None, error: str = "") -> tuple[str, str]:
    """What the status line calls ``state``: in full, and short for a narrow terminal."""
    if state == "diverged" and last is not None:
        # Step N's loss is that of the weights of step N-1; when it is not finite, step
        # N-2's weights are the last with a finite loss: the run went back there (the
        # progress part shows that step).
        at = f"diverged at step {last.diverged_at}"
        return f"{at} (kept the weights of step {last.step}): lower lr or reset", (
            f"{at}: lower lr"
        )
    if state == "stopped_early":
        if not last or last.best_step is None:
            return "stopped early: best weights restored", "stopped early"
        best = f"{last.best_step:,}"
        return (
            f"stopped early: best weights (step {best}) restored",
            f"stopped early (best: {best})",
        )
    if state == "error":
        return f"error: {error} (r restarts the engine)", f"error: {error} (r restarts)"
    return state, state


def status_line(
    state: str,
    last: StepsCompleted | None,
    *,
    error: str = "",
    note: str = "",
    queued: list[str] = (),
    pending: bool = False,
    show_rate: bool = True,
    width: int = 0,
    beside: list[str] = (),
    short: list[str] = (),
    lr: float | None = None,
) -> str:
    """One line: the state (with what to do about a divergence or a crash, and the key
    waiting for the engine's start), how far the run is, the metrics of the latest step,
    why a run paused (``note``), and whether a change awaits a reset. ``beside``: more
    about the run's metrics (the step in view, a baseline's), placed right after them
    (``short``: the same, shorter). ``lr``: the lr a schedule has the run at now (None:
    the lr field's, not repeated).

    Past ``width`` columns it drops what shows elsewhere or says nothing: an absent test
    loss (``test -``), then the accuracy or R² (the data chart's heading has it), then the
    scheduled lr (the loss chart's title has it); then it takes the short wording of the
    state and of ``beside``, then drops the test loss (the loss chart draws it), then the
    spaces around the separators, and last cuts the longest part but the steps/s with
    ``…``: the steps/s stay."""
    shown, brief = states(state, last, error)
    if state == "starting":
        shown = brief = "starting... (the engine imports torch)"
        if queued:
            shown = brief = f"{shown}; then {waiting(queued)}"
    parts = [shown]
    optional: list[int] = []  # what goes first when the line is too long
    where = 0  # the index of ``beside`` in parts
    spare: list[int] = []  # what goes after the short wordings
    if last is not None and state != "error":
        metric = (
            f"{_accuracy_on(last)} acc {fmt(last.accuracy, '.3f')}"
            if last.accuracy is not None
            else f"R² {fmt(last.r2, '.4g')}"
        )
        parts += [
            progress(last, state == "running" and show_rate),
            f"train {fmt(last.train_loss, '.4g')}",
            f"test {fmt(last.test_loss, '.4g')}",
            metric,
        ]
        optional = [len(parts) - 1]
        if last.test_loss is None:
            optional.insert(0, len(parts) - 2)
        else:
            spare = [len(parts) - 2]
        if lr is not None:
            parts.append(f"lr {lr:.3g}")
            optional.append(len(parts) - 1)
        where = len(parts)
        parts += beside
        if show_rate:  # off in snapshot tests: the only clock-dependent text
            kernel = "compiled " if last.kernel == "compiled" else ""
            parts.append(f"{kernel}{last.steps_per_s:,.0f} steps/s")
    if note and state == "paused":
        parts.append(note)
    if pending:
        parts.append("changed: Enter resets")
    shorter = {0: brief} | ({where + i: text for i, text in enumerate(short)} if where else {})
    return _fit(parts, optional, width, shorter, spare, rate=show_rate)


def _fit(
    parts: list[str],
    optional: list[int],
    width: int,
    shorter: dict[int, str],
    spare: list[int],
    rate: bool,
) -> str:
    """``parts`` joined, made to fit ``width`` in the order :func:`status_line` says."""

    sep = " │ "

    def line() -> str:
        return sep.join(part for part in parts if part)

    for index in [*optional, None]:
        if not width or len(line()) <= width:
            return line()
        if index is not None:
            parts[index] = ""
    for index, short in shorter.items():
        parts[index] = short
    for index in spare:
        if len(line()) > width:
            parts[index] = ""
    if len(line()) > width:
        sep = "│"
    over = len(line()) - width
    if over > 0:  # last: cut the longest part (never the steps/s) to fit
        keep = {i for i, p in enumerate(parts) if rate and p.endswith(" steps/s")}
        longest = max((i for i in range(len(parts)) if i not in keep), key=lambda i: len(parts[i]))
        parts[longest] = parts[longest][: max(1, len(parts[longest]) - over - 1)] + "…"
    return line()
