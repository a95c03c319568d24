"""Checking a learner's steps: running them on several problems, comparing with the
reference, and diagnosing the likely slip."""
