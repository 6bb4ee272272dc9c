"""Shared test settings: hypothesis runs a modest number of examples with no deadline (the
engine is pure Python and the machine may be busy)."""

from hypothesis import settings

settings.register_profile("autograd_lite", max_examples=50, deadline=None)
settings.load_profile("autograd_lite")
