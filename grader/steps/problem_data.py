"""A problem and everything computed from it, as plain JSON data (``bpgrade problem``)."""

from __future__ import annotations

from . import quantities, registry
from ..engine.backprop import backprop
from ..engine.forward import forward


def _listed(arrays) -> dict:
    return {f"{stem}{l}": a.tolist() for l, pair in enumerate(arrays, start=1)
            for stem, a in zip(("W", "b"), pair)}


def as_dict(problem) -> dict:
    trace = forward(problem)
    grads = backprop(problem, trace)
    depth = len(problem.weights)
    data = {
        "seed": problem.seed,
        "layers": list(problem.layers),
        "activation": problem.activation,
        "output_activation": problem.output_activation,
        "loss": problem.loss,
        "x": problem.x.tolist(),
        "y_target": problem.y_target.tolist(),
        "eta": problem.eta,
        "params": _listed(zip(problem.weights, problem.biases)),
        "forward": {},
        "gradients": _listed(zip(grads.dW, grads.db)),
    }
    for l in range(depth):
        data["forward"][f"z{l + 1}"] = trace.z[l].tolist()
        if l < depth - 1:
            data["forward"][f"h{l + 1}"] = trace.h[l].tolist()
    data["forward"]["y"] = trace.y.tolist()
    data["forward"]["L"] = trace.loss
    # the numbered steps are the lesson's: its network, with a loss of one sigmoid output
    # (step 1's formula is that loss's: grader.steps.registry.for_loss)
    if quantities.is_seed_network(problem):
        reference = quantities.reference(problem)
        data["steps"] = {step.id: reference[step.answer] for step in registry.SEED_STEPS}
    return data


def step_view(problem, step, scaffold: str | None = None) -> dict:
    """What ``bpgrade show STEP`` displays: as much of the lesson as the stub at ``scaffold``
    shows (grader.steps.stubs: the formula, the factors in words, or the goal) and every value
    ``net`` holds. What the stub does not show is None: the formula and the names it reads.
    A lesson's step on a problem drawn with another loss reads as that loss makes it
    (:func:`grader.steps.registry.for_loss`)."""
    from . import stubs

    scaffold = scaffold or stubs.DEFAULT_SCAFFOLD
    if not step.arrays:
        step = registry.for_loss(step, problem.loss)
    shown = stubs.support(step, scaffold)
    formula = shown == "formula"
    if step.arrays:                   # a step with a network of its own
        lesson = {"seed": problem.seed, "step": step.id, "title": step.title,
                  "scaffold": scaffold, "shows": shown,
                  "meaning": step.meaning if formula else step.goal,
                  "factors": step.factors if shown == "factors" else None,
                  "formula": step.formula if formula else None,
                  "formula_text": step.formula_text if formula else None,
                  "uses": list(step.uses) if formula else None, "offers": step.offers}
        if step.per_problem:          # drawn for each problem: the visible one's
            return {**lesson, "per_problem": True, **step.view(problem.seed)}
        values = step.reference(problem.seed)         # drawn once from the seed
        return {**lesson, "layers": list(step.layers), "layer": step.layer,
                "arrays": step.held(values),
                "answer": {key: list(shape) for key, shape in step.arrays.items()}}
    reference = quantities.reference(problem)
    base = set(registry.BASE)
    forward_names = [n for n in registry.FORWARD if n in step.context]
    upstream = [n for n in step.context if n not in base and n not in registry.FORWARD]
    return {
        "seed": problem.seed,
        "step": step.id,
        "title": step.title,
        "scaffold": scaffold,
        "shows": shown,
        "meaning": step.meaning if formula else step.goal,
        "factors": step.factors if shown == "factors" else None,
        "formula": step.formula if formula else None,
        "formula_text": step.formula_text if formula else None,
        "uses": list(step.uses) if formula else None,
        "offers": step.offers,
        "inputs": {n: reference[n] for n in registry.INPUTS},
        "parameters": {n: reference[n] for n in registry.PARAMETERS},
        "forward": {n: reference[n] for n in forward_names},
        "upstream": {n: reference[n] for n in upstream},
        "answer": ([key for key, _ in step.answer_items] if step.returns_dict else None),
    }
