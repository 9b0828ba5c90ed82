"""Live sweeps: a grid trained in the engine process while the app watches it.

The app's sweep screen sends ``sweep`` to the engine (:mod:`torchplay.engine.process.worker`);
:class:`LiveSweep` builds each member's :class:`~torchplay.engine.train.trainer.Trainer` (its
single run's data and weights), trains the batchable ones group by group as populations
(:class:`~torchplay.engine.sweeps.population.Population`, the code ``torchplay sweep`` runs) and
the others one by one, and hands ``emit`` a
:class:`~torchplay.engine.process.events.SweepStepsCompleted` at most every ``interval`` seconds.
The members stay trainers, so one can be opened in the playground where it stands (a
copy: the sweep keeps its own), and a stopped sweep can go on where it stopped
(:meth:`LiveSweep.goes_on`).

With a Ray address (or ``"local"``: a Ray started here) the grid goes to
:func:`torchplay.engine.sweeps.raysweep.run_ray` instead: progress arrives as model-steps, the
rows (with each member's checkpoint) at the end, through the same events.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable

from torchplay.engine.process import events as ev
from torchplay.engine.process.events import RunState
from torchplay.engine.run.grid import GridError, Member, members, parse_grid
from torchplay.engine.run.history import History, Point
from torchplay.engine.run.spec import Spec
from torchplay.engine.run.sweepplan import Fork, SweepPlan
from torchplay.engine.sweeps.cohort import Cohort
from torchplay.engine.sweeps.population import Population, group_key, population
from torchplay.engine.sweeps.raycluster import LOCAL
from torchplay.engine.sweeps.sweep import check_memory
from torchplay.engine.train.threads import configure_threads_for, step_work
from torchplay.engine.train.trainer import FINISHED, PAUSED, RUNNING, Trainer

Emit = Callable[[ev.SweepStepsCompleted], None]


def _loss(point: Point) -> float:
    """The loss a member is ranked by: test loss, else the train loss."""
    return point[2] if point[2] is not None else point[1]


class LiveSweep:
    """A grid over ``base``: ``grid`` holds ``KEY=V1,V2`` texts, as ``--grid`` does.

    Raises:
        GridError: a bad grid (see :func:`torchplay.engine.run.grid.parse_grid`).
        InputError: a grid over the memory limit.
    """

    def __init__(self, base: Spec, grid: list[str], plan: SweepPlan | None = None) -> None:
        self.axes = parse_grid(grid, base)
        self.members: list[Member] = members(self.axes, base)
        check_memory(self.members, False)
        self.plan = plan or SweepPlan()
        """Pruning or PBT at the populations' rungs (default: neither)."""
        self.plan.check(len(self.members))
        self.forks: list[Fork] = []
        """PBT's forks so far (member indices); each event carries those it has not sent."""
        self.forks_sent = 0
        self.trainers: list[Trainer | None] = [None] * len(self.members)
        self.sent = [0] * len(self.members)
        """The last step whose loss point each member's events carried."""
        self.shown = [History(capacity=ev.SWEEP_POINTS) for _ in self.members]
        """What the app's history of each member holds (its stride picks what to send)."""
        self.done = 0
        self.start = time.perf_counter()
        self.here = False
        """Its members trained in this process (:meth:`run`), not on Ray."""

    def goes_on(self, base: Spec, grid: list[str], plan: SweepPlan | None = None) -> bool:
        """Whether ``grid`` over ``base`` is this sweep (the same members: grid, step
        count and every other setting), trained here and stopped short of its end: then
        :meth:`run` goes on with it where it stopped. (A base that differs only in the
        grid's own keys, as after opening a member, gives the same members.)"""
        if not self.here:
            return False
        try:
            specs = [m.spec for m in members(parse_grid(grid, base), base)]
        except GridError:
            return False
        ended = all(t is not None and t.state in ev.ENDED for t in self.trainers)
        same = specs == [m.spec for m in self.members] and (plan or SweepPlan()) == self.plan
        return same and not ended

    def started(self, where: str, resumed: bool = False) -> ev.SweepStarted:
        return ev.SweepStarted(
            axes=[(a.key, _distinct(a.values)) for a in self.axes],
            overrides=[m.overrides for m in self.members],
            targets=[m.spec.training.steps for m in self.members],
            where=where,
            resumed=resumed,
        )

    # -- progress ------------------------------------------------------------------

    def progress(self, state: RunState, live: Population | None = None) -> ev.SweepStepsCompleted:
        """Every member's step, state, loss and the loss points since the last event."""
        running = {id(t): live.count for t in live.rows} if live is not None else {}
        steps, states, losses, points = [], [], [], []
        for i, t in enumerate(self.trainers):
            if t is None:
                steps.append(0)
                states.append(RunState.IDLE)
                losses.append(None)
                points.append([])
                continue
            steps.append(running.get(id(t), t.step_count))
            states.append(RUNNING if id(t) in running else RunState(t.state))
            pts = t.history.points
            losses.append(_loss(pts[-1]) if pts else None)
            new = t.history.since(self.sent[i])
            if new:
                self.sent[i] = new[-1][0]
            points.append(_thinned(self.shown[i], new))
        forks = [*self.forks, *getattr(live, "forks", [])]
        fresh, self.forks_sent = forks[self.forks_sent :], len(forks)
        wall = time.perf_counter() - self.start
        return ev.SweepStepsCompleted(
            steps=steps,
            states=states,
            losses=losses,
            points=points,
            model_steps_per_s=self.done / wall if wall > 0 else 0.0,
            state=state,
            forks=fresh,
        )

    # -- training here -----------------------------------------------------------------

    def run(self, emit: Emit, interval: float, stop) -> None:
        """Train every member to its step count here, or until ``stop`` is set. Called
        again after a stop, it goes on from where each member stands (finished, diverged
        and early-stopped members stay as they are)."""
        self.here = True
        self.trainers = [
            t if t is not None else Trainer(m.spec)
            for t, m in zip(self.trainers, self.members, strict=True)
        ]
        todo = [t for t in self.trainers if t.state not in ev.ENDED]
        configure_threads_for(sum(step_work(t) for t in todo))
        self.start, self.done = time.perf_counter(), 0
        groups: dict[tuple, list[int]] = {}
        alone: list[Trainer] = []
        for i, t in enumerate(self.trainers):  # a population's members start at one step:
            if t.state in ev.ENDED:  # stopped groups are at theirs, others at step 0
                continue
            key = group_key(t)
            if key is None:
                alone.append(t)
            else:
                groups.setdefault((key, t.step_count), []).append(i)
        last = time.perf_counter()
        for group in groups.values():
            pop = self._population(group)
            while pop.rows and not stop.is_set():
                self.done += pop.advance(pop.chunk)
                now = time.perf_counter()
                if now - last >= interval:
                    pop.flush()
                    emit(self.progress(RUNNING, pop))
                    last = now
            pop.finish()
            self.forks += getattr(pop, "forks", [])
        for t in alone:
            if stop.is_set():
                break
            before = t.step_count
            t.run(
                observers=[lambda _snap: emit(self.progress(RUNNING))], interval=interval, stop=stop
            )
            self.done += t.step_count - before
        done = all(t.state in ev.ENDED for t in self.trainers)
        emit(self.progress(FINISHED if done else PAUSED))

    def _population(self, group: list[int]):
        """Members ``group`` as one population, with the plan's rungs (a
        :class:`~torchplay.engine.sweeps.cohort.Cohort`) when it prunes or forks."""
        if self.plan.active:
            return Cohort(self.trainers, group, self.plan)
        trainers = [self.trainers[i] for i in group]
        for t in trainers:  # Trainer.settle ends a running run when it is written back
            t.state = RUNNING
        return population(trainers)

    def trainer(self, index: int) -> Trainer:
        """Member ``index``'s trainer, where it stands (built at step 0 if it never ran).

        Raises:
            IndexError: no such member.
        """
        if not 0 <= index < len(self.members):
            raise IndexError(f"sweep member {index}: the sweep has {len(self.members)}")
        if self.trainers[index] is None:
            self.trainers[index] = Trainer(self.members[index].spec)
        return self.trainers[index]

    def copy(self, index: int) -> Trainer:
        """Member ``index`` where it stands, as a trainer of its own (through its
        checkpoint bytes): the playground trains the copy, the sweep keeps its member.

        Raises:
            IndexError: no such member.
        """
        from torchplay.engine.files.checkpoint import to_bytes

        return _restore(to_bytes(self.trainer(index)))

    # -- training on Ray -----------------------------------------------------------------

    def run_ray(self, address: str, emit: Emit, interval: float, stop) -> str:
        """Send the grid to the Ray at ``address`` (:data:`LOCAL`: start one here);
        returns the one line naming the cluster.

        Raises:
            ClusterError: Ray missing, nothing at the address, or no (or a wrong) token.
        """
        from torchplay.engine.sweeps.raycluster import RayOutput, connect, disconnect
        from torchplay.engine.sweeps.raysweep import run_ray

        total = sum(m.spec.training.steps for m in self.members) or 1
        last = [0.0]

        def progress(n: int) -> None:  # on Tune's callback thread; fit() holds the other
            self.done += n
            now = time.perf_counter()
            if now - last[0] >= interval:
                last[0] = now
                emit(self._estimated(total))

        self.start = time.perf_counter()
        with RayOutput() as out:
            try:
                cluster = connect(None if address == LOCAL else address, out.path)
                chunk = max(1, math.ceil(len(self.members) / max(1, cluster.workers)))
                outcome = run_ray(
                    self.members, chunk=chunk, keep_checkpoints=True, progress=progress, stop=stop
                )
            finally:
                disconnect()
        for row in outcome.result.rows:
            if row.checkpoint_bytes is not None:
                self.trainers[row.index] = _restore(row.checkpoint_bytes)
        finished = len(outcome.result.rows) == len(self.members) and not outcome.interrupted
        emit(self.progress(FINISHED if finished else PAUSED))
        return cluster.describe()

    def _estimated(self, total: int) -> ev.SweepStepsCompleted:
        """Progress while Ray trains: members' steps estimated from the model-steps done
        (Tune reports chunks, not members); losses come with the rows at the end."""
        frac = min(1.0, self.done / total)
        wall = time.perf_counter() - self.start
        n = len(self.members)
        return ev.SweepStepsCompleted(
            steps=[int(frac * m.spec.training.steps) for m in self.members],
            states=[RUNNING] * n,
            losses=[None] * n,
            points=[[] for _ in range(n)],
            model_steps_per_s=self.done / wall if wall > 0 else 0.0,
            state=RUNNING,
        )


def _restore(raw: bytes) -> Trainer:
    """A trainer from a member's checkpoint bytes (the usual format, through a file)."""
    import os
    import tempfile

    from torchplay.engine.files.checkpoint import restore

    fd, path = tempfile.mkstemp(suffix=".safetensors")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(raw)
        return restore(path)
    finally:
        os.unlink(path)


def _thinned(shown: History, new: list[Point]) -> list[tuple[int, float]]:
    """The (step, loss) of the ``new`` points that ``shown`` records (it records them)."""
    out = []
    for p in new:
        if shown.due(p[0]):
            shown.add(p)
            out.append((p[0], _loss(p)))
    return out


def _distinct(values) -> list:
    """An axis's values without repeats, in order, tuples as lists (``model.hidden``
    widths: lists, which a set or a dict cannot hold)."""
    out: list = []
    for value in values:
        value = list(value) if isinstance(value, tuple) else value
        if value not in out:
            out.append(value)
    return out
