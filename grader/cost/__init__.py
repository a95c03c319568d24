"""The cost lab: why backpropagation is cheap, counted and timed on a ladder of networks."""
