"""bpgrade: a self-grading exercise package for learning backpropagation."""

__version__ = "0.1.0"


def __getattr__(name):
    # Imported on first use, so ``import grader`` (and the CLI) stays light.
    if name == "check":
        from .checking.check import check_function

        return check_function
    if name == "generate":
        from .engine.generators import generate

        return generate
    raise AttributeError(f"module 'grader' has no attribute {name!r}")


__all__ = ["check", "generate", "__version__"]
