"""The LaTeX subset of the step formulas, as MathML Core (rendered natively by browsers).

Supported: letters, digits, operators, ``{...}`` groups, ``^`` and ``_`` scripts, ``\\frac``,
``\\left( ... \\right)``, ``\\sum``, ``\\text{...}``/``\\mathrm{...}``, spaces (``\\quad``,
``\\,`` ...), Greek letters and a few symbols (``\\partial``, ``\\cdot``, ``\\times`` ...).
Anything else raises :class:`MathSyntaxError`, so nothing is ever left unconverted.
"""

from __future__ import annotations

import functools
import re
from html import escape

from ..errors import BpgradeError


class MathSyntaxError(BpgradeError):
    """A formula uses LaTeX outside the supported subset, or is malformed."""


GREEK = {
    "alpha": "α", "beta": "β", "gamma": "γ", "delta": "δ", "epsilon": "ϵ", "varepsilon": "ε",
    "zeta": "ζ", "eta": "η", "theta": "θ", "iota": "ι", "kappa": "κ", "lambda": "λ",
    "mu": "μ", "nu": "ν", "xi": "ξ", "pi": "π", "rho": "ρ", "sigma": "σ", "tau": "τ",
    "phi": "ϕ", "varphi": "φ", "chi": "χ", "psi": "ψ", "omega": "ω",
    "Gamma": "Γ", "Delta": "Δ", "Theta": "Θ", "Lambda": "Λ", "Pi": "Π", "Sigma": "Σ",
    "Phi": "Φ", "Psi": "Ψ", "Omega": "Ω",
}
IDENTIFIERS = {"partial": "∂", "nabla": "∇", "infty": "∞", "ell": "ℓ"}
OPERATORS = {
    "cdot": "·", "times": "×", "pm": "±", "leftarrow": "←", "rightarrow": "→", "to": "→",
    "gets": "←", "approx": "≈", "neq": "≠", "le": "≤", "leq": "≤", "ge": "≥", "geq": "≥",
    "ldots": "…", "cdots": "⋯", "in": "∈", "odot": "⊙",
}
LARGE_OPERATORS = {"sum": "∑", "prod": "∏"}
SPACES = {"quad": "1em", "qquad": "2em", ",": "0.1667em", ";": "0.2778em", ":": "0.2222em",
          " ": "0.2778em", "!": "0em"}
TEXT_COMMANDS = ("text", "mathrm", "operatorname")
FENCES = {"(": "(", ")": ")", "[": "[", "]": "]", "|": "|", ".": "", "\\{": "{", "\\}": "}"}
OPERATOR_CHARS = "+-=()[],;:/<>!|'"
PRIME = "′"

_TOKEN = re.compile(r"\\([A-Za-z]+|.)|(\d+(?:\.\d+)?|\.\d+)|(\s+)|(.)", re.DOTALL)


def _tokens(latex: str) -> tuple:
    """(kind, text) pairs (kind 'cmd', 'num' or 'char') and their source offsets; no spaces."""
    out, offsets = [], []
    for match in _TOKEN.finditer(latex):
        command, number, space, char = match.groups()
        if space is not None:
            continue
        if command is not None:
            out.append(("cmd", command))
        elif number is not None:
            out.append(("num", number))
        else:
            out.append(("char", char))
        offsets.append(match.start())
    return out, offsets


class _Parser:
    def __init__(self, latex: str):
        self.latex = latex
        self.tokens, self.offsets = _tokens(latex)
        self.pos = 0

    def error(self, what: str) -> MathSyntaxError:
        return MathSyntaxError(f"cannot convert {what} in formula {self.latex!r}")

    def peek(self):
        return self.tokens[self.pos] if self.pos < len(self.tokens) else None

    def take(self):
        token = self.peek()
        if token is None:
            raise self.error("an unexpected end")
        self.pos += 1
        return token

    # --- grammar: row := (atom scripts?)*  --------------------------------------------
    def row(self, until=None) -> list:
        items = []
        while True:
            token = self.peek()
            if token is None:
                if until is not None:
                    raise self.error(f"a missing {until!r}")
                return items
            if until == "}" and token == ("char", "}"):
                return items
            if until == "right" and token == ("cmd", "right"):
                return items
            if token == ("char", "}"):
                raise self.error("an unmatched '}'")
            if token[0] == "char" and token[1] in "^_":
                raise self.error(f"a {token[1]!r} with nothing before it")
            items.append(self.scripted(self.atom()))

    def scripted(self, base: str) -> str:
        sub = sup = None
        while self.peek() in (("char", "^"), ("char", "_")):
            kind = self.take()[1]
            if (kind == "^" and sup is not None) or (kind == "_" and sub is not None):
                raise self.error(f"a double {kind!r}")
            argument = self.argument()
            if kind == "^":
                sup = argument
            else:
                sub = argument
        while self.peek() == ("char", "'"):
            self.take()
            sup = (sup or "") + f"<mo>{PRIME}</mo>"
        if sub is None and sup is None:
            return base
        large = base.startswith("<mo largeop")
        if sub is not None and sup is not None:
            tag = "munderover" if large else "msubsup"
            return f"<{tag}>{base}{_mrow(sub)}{_mrow(sup)}</{tag}>"
        if sub is not None:
            tag = "munder" if large else "msub"
            return f"<{tag}>{base}{_mrow(sub)}</{tag}>"
        tag = "mover" if large else "msup"
        return f"<{tag}>{base}{_mrow(sup)}</{tag}>"

    def argument(self) -> str:
        """A script or \\frac argument: a braced group or one single atom."""
        if self.peek() == ("char", "{"):
            self.take()
            inner = self.row(until="}")
            self.take()
            return "".join(inner)
        token = self.peek()
        if token is None:
            raise self.error("a missing argument")
        if token[0] == "num":
            # ``x_12`` in TeX scripts only the first digit; keep that meaning
            self.take()
            first, rest = token[1][0], token[1][1:]
            if rest:
                self.tokens.insert(self.pos, ("num", rest))
                self.offsets.insert(self.pos, self.offsets[self.pos - 1] + 1)
            return f"<mn>{first}</mn>"
        return self.atom()

    def braced_text(self) -> str:
        if self.take() != ("char", "{"):
            raise self.error("a text command without '{'")
        start = self.offsets[self.pos - 1] + 1
        depth = 1
        while depth:
            token = self.take()
            if token == ("char", "{"):
                depth += 1
            elif token == ("char", "}"):
                depth -= 1
        return self.latex[start:self.offsets[self.pos - 1]]

    def atom(self) -> str:
        kind, text = self.take()
        if kind == "num":
            return f"<mn>{text}</mn>"
        if kind == "char":
            if text == "{":
                inner = self.row(until="}")
                self.take()
                return _mrow("".join(inner))
            if text.isalpha():
                return f"<mi>{escape(text)}</mi>"
            if text in "()[]|":
                # a plain bracket keeps its size; only \left ... \right stretches
                return f'<mo stretchy="false">{escape(text)}</mo>'
            if text in OPERATOR_CHARS:
                return f"<mo>{escape('−' if text == '-' else text)}</mo>"
            if text == "&" or text == "#" or text == "$" or text == "~" or text == "%":
                raise self.error(f"the character {text!r}")
            # any other single character (already Unicode math, e.g. '·') stands for itself
            return f"<mo>{escape(text)}</mo>" if not text.isalnum() else f"<mi>{escape(text)}</mi>"
        # a command
        if text == "frac":
            numerator = self.argument()
            denominator = self.argument()
            return f"<mfrac>{_mrow(numerator)}{_mrow(denominator)}</mfrac>"
        if text == "left":
            opening = self.fence()
            inner = self.row(until="right")
            self.take()
            closing = self.fence()
            return ("<mrow>" + _fence_mo(opening) + "".join(inner) + _fence_mo(closing)
                    + "</mrow>")
        if text == "right":
            raise self.error("a \\right without \\left")
        if text in TEXT_COMMANDS:
            content = self.braced_text()
            if text == "text":
                return f"<mtext>{escape(content)}</mtext>"
            return f'<mi mathvariant="normal">{escape(content.strip())}</mi>'
        if text in GREEK:
            return f"<mi>{GREEK[text]}</mi>"
        if text in IDENTIFIERS:
            return f"<mi>{IDENTIFIERS[text]}</mi>"
        if text in OPERATORS:
            return f"<mo>{OPERATORS[text]}</mo>"
        if text in LARGE_OPERATORS:
            return f'<mo largeop="true" movablelimits="true">{LARGE_OPERATORS[text]}</mo>'
        if text in SPACES:
            return f'<mspace width="{SPACES[text]}"></mspace>'
        if text in ("{", "}"):
            return f"<mo>{text}</mo>"
        raise self.error(f"the command \\{text}")

    def fence(self) -> str:
        kind, text = self.take()
        key = "\\" + text if kind == "cmd" else text
        if key not in FENCES:
            raise self.error(f"the delimiter {key!r}")
        return FENCES[key]


def _mrow(content: str) -> str:
    """Wrap a script or fraction argument in <mrow> unless it is one leaf element."""
    return content if _single(content) else f"<mrow>{content}</mrow>"


def _single(content: str) -> bool:
    """One leaf element like ``<mi>x</mi>``."""
    return re.fullmatch(r"<(m[a-z]+)(?: [^>]*)?>[^<]*</\1>", content) is not None


def _fence_mo(char: str) -> str:
    if not char:
        return ""
    return f'<mo fence="true" stretchy="true">{escape(char)}</mo>'


@functools.lru_cache(maxsize=4096)
def to_mathml(latex: str, display: bool = False, displaystyle: bool = False) -> str:
    """The MathML for a formula of the supported subset; raises MathSyntaxError otherwise.

    ``display`` sets the formula on its own line; ``displaystyle`` keeps it inline but with
    full-size fractions.
    """
    body = "".join(_Parser(latex).row())
    mode = ' display="block"' if display else ' displaystyle="true"' if displaystyle else ""
    return f'<math xmlns="http://www.w3.org/1998/Math/MathML"{mode}><mrow>{body}</mrow></math>'
