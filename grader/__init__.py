"""bpgrade: a self-grading exercise package for learning backpropagation."""

__version__ = "0.1.0"
