"""The maths of any network: drawing a problem, the forward and backward pass, finite
differences, the sympy witness, the problem cache and per-student seeds."""
