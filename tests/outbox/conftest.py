"""Fixtures shared by the outbox tests; each module starts its own `simulator`."""

from __future__ import annotations

import pytest


@pytest.fixture
def faults(simulator):
    """The module's simulator's faults, cleared before and after the test."""
    simulator.faults.reset()
    yield simulator.faults
    simulator.faults.reset()
