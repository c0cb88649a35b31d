"""Org-level domain operations: what an org tracks, and how contacts map onto it."""
