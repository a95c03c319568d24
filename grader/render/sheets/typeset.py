"""Text and formulas in each sheet format: LaTeX formulas become MathML for HTML and stay LaTeX
for Markdown and TeX; Unicode prose (titles, hints) becomes LaTeX text for TeX."""

from __future__ import annotations

from ... import i18n
from .. import mathml

# Greek letters a title or hint may use, and the TeX command for each.
GREEK = {
    "alpha": "α", "beta": "β", "gamma": "γ", "delta": "δ", "epsilon": "ϵ", "varepsilon": "ε",
    "zeta": "ζ", "eta": "η", "theta": "θ", "iota": "ι", "kappa": "κ", "lambda": "λ",
    "mu": "μ", "nu": "ν", "xi": "ξ", "pi": "π", "rho": "ρ", "sigma": "σ", "tau": "τ",
    "phi": "ϕ", "varphi": "φ", "chi": "χ", "psi": "ψ", "omega": "ω",
    "Gamma": "Γ", "Delta": "Δ", "Theta": "Θ", "Lambda": "Λ", "Pi": "Π", "Sigma": "Σ",
    "Phi": "Φ", "Psi": "Ψ", "Omega": "Ω",
}
GREEK_TEX = {**{char: "\\" + name for name, char in GREEK.items()},
             "∂": r"\partial", "−": "-", "·": r"\cdot", "½": r"\tfrac{1}{2}", "²": "^{2}",
             "←": r"\leftarrow", "→": r"\rightarrow", "…": r"\ldots", "×": r"\times",
             "≈": r"\approx", "≠": r"\neq", "≤": r"\leq", "≥": r"\geq", "∑": r"\sum",
             "±": r"\pm", "∞": r"\infty", "⊙": r"\odot", "′": "'", "″": "''",
             "𝟏": r"\mathbf{1}"}
TYPOGRAPHY_TEX = {"“": "``", "”": "''", "‘": "`", "’": "'", "–": "--", "—": "---"}
SUPERSCRIPTS = {**dict(zip("⁽⁾⁰¹²³⁴⁵⁶⁷⁸⁹ˡᴸ⁺⁻", "()0123456789lL+-")), "ᵀ": r"\top "}
SUBSCRIPTS = dict(zip("₀₁₂₃₄₅₆₇₈₉ᵢⱼₙ", "0123456789ijn"))
TEX_SPECIALS = {"\\": r"\textbackslash{}", "&": r"\&", "%": r"\%", "$": r"\$", "#": r"\#",
                "_": r"\_", "{": r"\{", "}": r"\}", "~": r"\textasciitilde{}",
                "^": r"\textasciicircum{}"}


def tex_text(text: str) -> str:
    """Unicode prose (titles, hints) as LaTeX text: specials escaped, math symbols in $...$."""
    out, math = [], []

    def flush():
        if math:
            out.append("$" + "".join(math) + "$")
            math.clear()

    chars = list(text)
    i = 0
    while i < len(chars):
        char = chars[i]
        if char in SUPERSCRIPTS or char in SUBSCRIPTS:
            table, mark = (SUPERSCRIPTS, "^") if char in SUPERSCRIPTS else (SUBSCRIPTS, "_")
            run = []
            while i < len(chars) and chars[i] in table:
                run.append(table[chars[i]])
                i += 1
            math.append(f"{mark}{{{''.join(run)}}}")
            continue
        if char in GREEK_TEX:
            math.append(GREEK_TEX[char] + (" " if GREEK_TEX[char][-1].isalpha() else ""))
        else:
            flush()
            # "--" would print as a dash: keep command-line options as two hyphens
            out.append("-{}" if char == "-" and text[i + 1:i + 2] == "-" else
                       TEX_SPECIALS.get(char) or TYPOGRAPHY_TEX.get(char, char))
        i += 1
    flush()
    return "".join(out)


def prose(pair_or_text, lang: str, fmt: str) -> str:
    """A message (a text, or an {en, zh} pair) as the format writes prose."""
    text = i18n.pick(pair_or_text, lang) if isinstance(pair_or_text, dict) else pair_or_text
    return tex_text(text) if fmt == "tex" else text


def math(latex: str, fmt: str, display: bool = False, displaystyle: bool = False) -> str:
    """A formula: MathML in HTML, the LaTeX itself in Markdown and TeX."""
    return mathml.to_mathml(latex, display, displaystyle) if fmt == "html" else latex
