"""The learner's loop: a workspace of exercise files with its own seed, and ``watch``."""
