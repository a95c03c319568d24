"""The problems a check runs on: the visible one for a seed and further ones drawn from it
(or, in classroom grading, from the course secret), each with its reference values and,
computed when first shown, its finite differences. A matrix step's values come from a network
drawn for it from the same seed (:meth:`grader.steps.matrix.MatrixStep.reference`); a step
whose network differs per problem (``step.per_problem``) has references of its own, drawn
from the same seeds when the step is first checked (:meth:`ProblemSet.references_for`).

Classroom grading draws the further problems once for a whole run (:class:`FurtherProblems`,
with all their references) and gives each student a :class:`ProblemSet` of their own visible
problem and those: the values are the same as a ProblemSet drawing all of them itself.
"""

from __future__ import annotations

from ..steps import registry

FURTHER_PROBLEMS = 4


class ProblemSet:
    """The visible problem for ``seed`` and the further ones, with reference values."""

    def __init__(self, seed: int, further: int = FURTHER_PROBLEMS, cached: bool = False,
                 further_seeds: list | None = None, shared: FurtherProblems | None = None):
        """``cached``: read and keep them in the learner's cache (see grader.engine.cache);
        ``further_seeds``: the further problems' seeds (classroom grading draws them from
        the secret), instead of those derived publicly from ``seed``; ``shared``: further
        problems drawn already, with their references (only ``seed``'s are drawn here)."""
        self.seed = seed
        self._finite = {}
        self._own, self._own_finite = {}, {}         # per_problem steps: by step id
        self._shared = None
        if shared is not None:
            further_seeds = list(shared.seeds)
        if further_seeds is not None:
            further, cached = len(further_seeds), False
        if cached:
            from ..engine import cache as problem_cache

            stored = problem_cache.load(seed, further + 1)
            if stored is not None:          # plain floats: a repeated check imports no numpy
                self._plain, self._problems = stored.problems, None
                self.references = stored.references
                self._finite = dict(enumerate(stored.finite_differences))
                self.seeds = [p["seed"] for p in stored.problems]
                return
        # Drawing problems is the engine's work, and needs numpy: imported here (in _drawn),
        # not at the top, so that a check that reads them from the cache never loads it.
        if shared is not None:
            self._problems, self.references = _drawn([seed], 0, shared.runs)
            self._problems += shared.problems
            self.references += shared.references
            self.seeds = [seed] + list(shared.seeds)
            self._shared = shared
            return
        if further_seeds is None:
            from ..engine.generators import trial_seeds

            further_seeds = trial_seeds(seed, further)
        self._problems, self.references = _drawn([seed] + list(further_seeds), 0)
        self.seeds = [p.seed for p in self._problems]
        if cached:
            from ..engine import cache as problem_cache

            finite = [self.finite_difference(i) for i in range(len(self._problems))]
            problem_cache.store(seed, self._problems, self.references, finite)

    @property
    def problems(self) -> list:
        """The :class:`~grader.engine.generators.Problem` objects (built from the cache's
        numbers on first use)."""
        if self._problems is None:
            from ..engine import cache as problem_cache

            self._problems = [problem_cache.problem(p) for p in self._plain]
        return self._problems

    def references_for(self, step) -> list:
        """The reference values ``step`` is checked against, per problem."""
        if not step.per_problem:
            return self.references
        if step.id not in self._own:
            if self._shared is None:
                self._own[step.id] = step.references(self.seeds)
            else:
                self._own[step.id] = (step.references([self.seed])
                                      + self._shared.references_for(step))
        return self._own[step.id]

    def finite_difference_for(self, step, index: int) -> dict:
        """Problem ``index``'s finite differences of ``step``'s answers."""
        if not step.per_problem:
            return self.finite_difference(index)
        if (step.id, index) not in self._own_finite:
            self._own_finite[step.id, index] = step.finite_differences_at(self.seeds[index],
                                                                          index)
        return self._own_finite[step.id, index]

    def finite_difference(self, index: int) -> dict:
        if index not in self._finite:
            from collections import ChainMap

            from ..steps import quantities

            arrays = {}                       # a matrix step's entries, on its own network
            for step in registry.ARRAY_STEPS:
                arrays.update(step.finite_differences(self.seeds[index]))
            self._finite[index] = ChainMap(arrays,
                                           quantities.finite_difference(self.problems[index]))
        return self._finite[index]


def _drawn(seeds: list, first: int, runs: dict | None = None) -> tuple:
    """([Problem], [reference values]) of ``seeds``, the problems at positions ``first``, …
    of a problem set: a step run on its first ``step.trials`` problems only has its values
    on those. ``runs``: {seed: {step id: values}} of a step drawing its networks together
    (step22), drawn already."""
    from ..engine.generators import generate_many
    from ..steps import quantities

    runs = runs or {}
    problems = generate_many(seeds)
    references = [quantities.reference(p) for p in problems]
    for step in registry.ARRAY_STEPS:               # a step that draws its networks together
        if step.judges_runs:
            runs_on = seeds if step.trials is None else seeds[:max(0, step.trials - first)]
            step.draw_many([seed for seed in runs_on if step.id not in runs.get(seed, {})])
    for i, (reference, drawn) in enumerate(zip(references, seeds), start=first):
        for step in registry.ARRAY_STEPS:            # each on its own network, if it runs there
            if step.trials is None or i < step.trials:
                known = runs.get(drawn, {}).get(step.id)
                reference.update(step.reference(drawn) if known is None else known)
    return problems, references


# Seeds of visible problems drawn together: a stack of this many networks (a class of 100
# students' step22 runs: 34 ms of CPU together, 630 one by one).
RUNS_TOGETHER = 128


class FurtherProblems:
    """Further problems drawn once, with every reference value, for any number of problem
    sets (classroom grading: every student of a run). They are held read-only: the
    references are read-only mappings in tuples, and each problem set adds the visible
    problem in lists of its own. A ``per_problem`` step's references, which depend on a
    problem's position, are those of positions 1, 2, … (the visible problem is 0).

    ``visible``: the visible seeds of the problem sets to come. Of these, a step that draws
    its networks together (step22, whose screened training runs are the costliest draw) is
    drawn here, a stack at a time; each is bit for bit what it is drawn alone."""

    def __init__(self, seeds: list, visible=()):
        from types import MappingProxyType

        from ..errors import GenerationError

        self.seeds = tuple(seeds)
        problems, references = _drawn(list(seeds), 1)
        self.problems = tuple(problems)
        self.references = tuple(MappingProxyType(reference) for reference in references)
        self._own = {step.id: tuple(MappingProxyType(step.reference_at(seed, index))
                                    for index, seed in enumerate(self.seeds, start=1))
                     for step in registry.STEPS if step.per_problem}
        self.runs = {}                              # {visible seed: {step id: values}}
        visible = list(dict.fromkeys(visible))
        for step in registry.ARRAY_STEPS:
            if not step.judges_runs or not step.trials:
                continue
            for start in range(0, len(visible), RUNS_TOGETHER):
                chunk = visible[start:start + RUNS_TOGETHER]
                try:
                    step.draw_many(chunk)
                except GenerationError:     # left to each problem set, where it is that
                    continue                # student's fault alone, as when drawn alone
                for seed in chunk:
                    self.runs.setdefault(seed, {})[step.id] = \
                        MappingProxyType(step.reference(seed))

    def references_for(self, step) -> list:
        """The further problems' reference values for ``step``."""
        return list(self._own[step.id] if step.per_problem else self.references)
