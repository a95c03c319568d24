"""Practice sheets: one problem (one seed) as HTML, Markdown or LaTeX, with or without the key.

Sheets come in three kinds: ``interactive`` (HTML with answer boxes checked offline in the
browser; the expected values are embedded for that, out of sight), ``blank`` (printable, no
values beyond the problem's own numbers) and ``key`` (every answer shown, worked out).

The parts: :mod:`.model` (the view-model a template places) built from :mod:`.numbers` (how
numbers are written), :mod:`.drawing` (the network), :mod:`.rows` (the blanks: forward pass,
steps, updates, the key's worked formulas), :mod:`.pencil` (hints without code),
:mod:`.typeset` (MathML for HTML, LaTeX text for TeX) and :mod:`.html_page` (print style and
check data); :mod:`.output` renders a model and saves files (a Markdown sheet's drawing beside
it); :mod:`.class_set` makes one sheet per student of a roster. :mod:`.arrays` builds the
sheet of a step whose answers are arrays (step19 …): its given arrays, blank arrays, the key.
"""

from . import arrays
from .class_set import roster
from .model import FORMATS, KINDS, view
from .output import kind_for, render, sheet, sheet_model, write

__all__ = ["FORMATS", "KINDS", "arrays", "kind_for", "render", "roster", "sheet",
           "sheet_model", "view", "write"]
