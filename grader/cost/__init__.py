"""The cost lab: why backpropagation is cheap, counted and timed on a ladder of networks.

counting (the engine's arithmetic) · symbolic (the naive route, and what it repeats) · names
(the seed's names for what is shown) · lab (each network measured by every route, and a
learner's step18) · report (rows, a table) · plot (an SVG of the rows)
"""

from .lab import LADDER, learner_cost, learner_cost_message, measure
from .plot import svg
from .report import table

__all__ = ["LADDER", "learner_cost", "learner_cost_message", "measure", "svg", "table"]
