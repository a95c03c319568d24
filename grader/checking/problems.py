"""The problems a check runs on: the visible one for a seed and further ones drawn from it
(or, in classroom grading, from the course secret), each with its reference values and,
computed when first shown, its finite differences. A matrix step's values come from a network
drawn for it from the same seed (:meth:`grader.steps.matrix.MatrixStep.reference`); a step
whose network differs per problem (``step.per_problem``) has references of its own, drawn
from the same seeds when the step is first checked (:meth:`ProblemSet.references_for`)."""

from __future__ import annotations

from ..steps import registry

FURTHER_PROBLEMS = 4


class ProblemSet:
    """The visible problem for ``seed`` and the further ones, with reference values."""

    def __init__(self, seed: int, further: int = FURTHER_PROBLEMS, cached: bool = False,
                 further_seeds: list | None = None):
        """``cached``: read and keep them in the learner's cache (see grader.engine.cache);
        ``further_seeds``: the further problems' seeds (classroom grading draws them from
        the secret), instead of those derived publicly from ``seed``."""
        self.seed = seed
        self._finite = {}
        self._own, self._own_finite = {}, {}         # per_problem steps: by step id
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
        # Drawing problems is the engine's work, and needs numpy: imported here, not at the
        # top, so that a check that reads them from the cache never loads it.
        from ..engine.generators import generate_many, trial_seeds
        from ..steps import quantities

        seeds = further_seeds if further_seeds is not None else trial_seeds(seed, further)
        self._problems = generate_many([seed] + list(seeds))
        self.references = [quantities.reference(p) for p in self._problems]
        self.seeds = [p.seed for p in self._problems]
        for step in registry.ARRAY_STEPS:           # a step that draws its networks together
            if step.judges_runs:
                step.draw_many(self.seeds[:step.trials])
        for i, (reference, drawn) in enumerate(zip(self.references, self.seeds)):
            for step in registry.ARRAY_STEPS:        # each on its own network, if it runs there
                if step.trials is None or i < step.trials:
                    reference.update(step.reference(drawn))
        if cached:
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
            self._own[step.id] = step.references(self.seeds)
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
