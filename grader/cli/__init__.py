"""The ``bpgrade`` command line: ``main`` is the click group; each module of this package
registers its commands on it and is imported when one of them is used."""

from .common import main

__all__ = ["main"]
