"""How a sheet writes numbers: given ones exactly as drawn, the key's to four significant digits,
a new parameter value with enough decimals that its change shows, and the minus sign each format
prints."""

from __future__ import annotations

import math

from ...tolerances import FLOOR

KEY_DIGITS = 4                  # significant digits shown in the key
HAND_DIGITS = 3                 # what HAND_RELATIVE means, in words on the sheet


def significant(value: float, digits: int = KEY_DIGITS) -> str:
    """``value`` to ``digits`` significant digits, trailing zeros kept (0.5000)."""
    text = format(value, f"#.{digits}g")
    if "e" in text:
        mantissa, exponent = text.split("e")
        return f"{mantissa.rstrip('.')}e{int(exponent)}"
    return text.rstrip(".")


def update_number(new: float, old: float, digits: int = KEY_DIGITS) -> str:
    """A new parameter value with enough decimals that new − old shows ``digits`` significant
    digits (the change is what an update is judged by, and it can be far smaller than the value).
    """
    change = abs(new - old)
    exponent = math.floor(math.log10(change)) if change > 0 else 0
    decimals = max(digits - 1 - exponent, digits - 1 - math.floor(math.log10(max(abs(new),
                                                                                   FLOOR))), 0)
    text = f"{new:.{decimals}f}"
    return text[1:] if text.startswith("-") and float(text) == 0 else text


def given_number(value: float) -> str:
    """Inputs and parameters: exactly as drawn (two decimals at most)."""
    text = f"{value:.2f}"
    return "0.00" if text == "-0.00" else text


def minus(text: str, fmt: str) -> str:
    """A typographic minus for HTML; TeX and Markdown math keep ASCII."""
    return text.replace("-", "−") if fmt == "html" else text


def sci_tex(text: str) -> str:
    """``1.234e-5`` as TeX: ``1.234 \\times 10^{-5}``."""
    if "e" in text:
        mantissa, exponent = text.split("e")
        return rf"{mantissa} \times 10^{{{exponent}}}"
    return text
