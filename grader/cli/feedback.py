"""Commands of this area register on the ``main`` group from .common."""
