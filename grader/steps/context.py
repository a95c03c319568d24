"""``net`` for a registry step: :class:`bpgrade_harness.net.Context` with ``net.loss``
offered where the registry says so. The class itself lives in the harness, which runs
where the learner's code runs."""

from __future__ import annotations

from bpgrade_harness import net as _net
from bpgrade_harness.net import ARRAYS, CountedLoss, seed_loss, usage  # noqa: F401

from . import registry


def loss_names(step_id: str):
    """The parameters ``net.loss`` takes in ``step_id``, or None where it is not offered."""
    step = registry.BY_ID.get(step_id)
    return registry.PARAMETERS if step is not None and step.offers_loss else None


class Context(_net.Context):
    __slots__ = ()

    def __init__(self, values: dict, step_id: str = "", hidden: dict | None = None,
                 lang: str = "en"):
        super().__init__(values, step_id, hidden, loss_names(step_id), lang)
