"""Boundaries look like districts: smooth borders, not the staircase of the raster they are cut
from, shared point for point by neighbours, each region in one piece."""

from __future__ import annotations

import numpy as np

from tracpro.simulator.arcs import Arcs
from tracpro.simulator.geometry import _trace, ring_area
from tracpro.simulator.regions import Org
from tracpro.simulator.tiers import get_tier
from tracpro.sync.demo import DEMO_SEED


def _axis_aligned(ring) -> int:
    return sum(a[0] == b[0] or a[1] == b[1] for a, b in zip(ring, ring[1:], strict=False))


def test_a_staircase_border_becomes_one_straight_line_that_both_neighbours_share():
    size = 12
    rows, cols = np.mgrid[0:size, 0:size]
    labels = (cols > rows).astype(int)  # split along the diagonal: a staircase of cell edges
    arcs = Arcs(labels)
    [below] = [arcs.ring(ring) for ring in _trace(labels == 0)]
    [above] = [arcs.ring(ring) for ring in _trace(labels == 1)]
    [whole] = [arcs.ring(ring) for ring in _trace(labels >= 0)]
    assert below[0] == below[-1] and above[0] == above[-1]
    assert abs(ring_area(below) + ring_area(above) - ring_area(whole)) < 1e-9  # no gap, no overlap
    border = set(below) & set(above)
    assert {(1.0, 0.0), (12.0, 11.0)} <= border  # its ends, where it meets the outside: held still
    # The staircase's corners were 0.71 cells off the diagonal; the border runs along it (a little
    # off only near its ends, where the smoothing has fewer neighbours to average), in few points.
    assert max(abs(x - y - 1) / 2 ** 0.5 for x, y in border) < 0.3 and len(border) < 6


def test_an_island_becomes_a_round_shape_and_the_hole_around_it_the_same_ring():
    size, centre, radius = 16, 8.0, 5.5
    rows, cols = np.mgrid[0:size, 0:size]
    labels = (np.hypot(cols + 0.5 - centre, rows + 0.5 - centre) < radius).astype(int)
    arcs = Arcs(labels)
    [island] = [arcs.ring(ring) for ring in _trace(labels == 1)]
    hole, _outer = sorted((arcs.ring(ring) for ring in _trace(labels == 0)), key=ring_area)
    assert ring_area(island) > 0 > ring_area(hole) and ring_area(island) == -ring_area(hole)
    assert set(hole) == set(island)  # the same points, run the other way
    assert len(island) >= 16 and _axis_aligned(island) == 0
    distances = [np.hypot(x - centre, y - centre) for x, y in island]
    assert max(distances) - min(distances) < 0.5  # a cell's staircase would be 1.4 cells deep


def test_the_demo_boundaries_are_smooth_and_each_in_one_piece():
    boundaries = Org(DEMO_SEED, get_tier("demo"), 0).boundaries()
    assert len(boundaries) == 16  # the country and its 15 regions
    for boundary in boundaries:
        polygons = boundary["geometry"]["coordinates"]
        assert len(polygons) == 1, f"{boundary['name']} is in {len(polygons)} pieces"
        outer = polygons[0][0]
        assert len(outer) >= 16, boundary["name"]
        # A raster's cells would make every edge horizontal or vertical.
        assert _axis_aligned(outer) <= len(outer) * 0.05, boundary["name"]
