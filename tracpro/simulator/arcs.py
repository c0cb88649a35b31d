"""Smooth borders that still tile: the cell boundaries of a labelled raster as shared arcs.

A region cut from a raster has a staircase for a border. Smoothing each region's rings on their
own would pull neighbours apart (gaps, overlaps) and a parent away from its children. So, as
TopoJSON does, the borders are first split into arcs: the runs of cell edges between two
junctions (grid corners where three or more labels meet), each separating the same two labels
all along. Each arc is smoothed once, its ends held still, and every ring that runs along it,
at every level, is spliced from those same points (reversed when it runs the other way).
Neighbours therefore share their border point for point, children still tile their parent, and
areas still add up.

Coordinates are (col, row) grid corners; a cell (row r, col c) spans [c, c+1] × [r, r+1].
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

Vertex = tuple[int, int]
Point = tuple[float, float]
Edge = tuple[Vertex, Vertex]
Displace = Callable[[np.ndarray], np.ndarray]  # (n, 2) points → where they go, a function of position only

SMOOTHING_PASSES = 6  # passes of a [1, 2, 1] filter: a staircase becomes its straight or curved mean line
CORNER_CUTS = 2  # Chaikin passes after that: rounder curves, four points per cell edge
TOLERANCE = 0.02  # in cells: points closer than this to the line through their neighbours are dropped


def _key(a: Vertex, b: Vertex) -> Edge:
    return (a, b) if a <= b else (b, a)


class Arcs:
    """The smoothed arcs of a raster of integer labels (any value; outside the raster counts as
    one more label). `displace`, applied to every smoothed point, may add detail of its own: a
    function of position only (so junctions shared by several arcs move together) that never folds
    the plane (its displacement changes by less than the distance between any two points)."""

    def __init__(self, labels: np.ndarray, displace: Displace | None = None) -> None:
        self._edges = _boundary_edges(labels)
        self._nodes = {v for v, ends in self._edges.items() if len(ends) != 2}
        self._arc_of: dict[Edge, int] = {}
        self._arcs: list[list[Vertex]] = []
        self._trace_arcs()
        self._smooth: list[list[Point]] = [
            _smoothed(arc, arc[0] == arc[-1] and arc[0] not in self._nodes, displace or (lambda points: points))
            for arc in self._arcs
        ]

    def _trace_arcs(self) -> None:
        def walk(start: Vertex, first: Vertex) -> list[Vertex]:
            arc, prev, cur = [start], start, first
            while True:
                arc.append(cur)
                if cur in self._nodes or cur == start:
                    return arc
                nxt = next(v for v in self._edges[cur] if v != prev)
                prev, cur = cur, nxt

        def keep(arc: list[Vertex]) -> None:
            for a, b in zip(arc, arc[1:], strict=False):
                self._arc_of[_key(a, b)] = len(self._arcs)
            self._arcs.append(arc)

        for node in sorted(self._nodes):
            for first in sorted(self._edges[node]):
                if _key(node, first) not in self._arc_of:
                    keep(walk(node, first))
        # What is left are closed loops without a junction (an island, a hole): start anywhere.
        for v in sorted(self._edges):
            for first in sorted(self._edges[v]):
                if _key(v, first) not in self._arc_of:
                    keep(walk(v, first))

    def ring(self, ring: list[Vertex]) -> list[Point]:
        """The smoothed ring along a closed ring of cell corners (first point repeated last) that
        runs on these borders, in the same direction, first point repeated last."""
        vertices = ring[:-1]
        starts = [i for i, v in enumerate(vertices) if v in self._nodes]
        if not starts:  # one closed arc all round
            arc = self._arc_of[_key(vertices[0], vertices[1])]
            points = self._along(arc, vertices[0], vertices[1])
            return points
        first = starts[0]
        vertices = vertices[first:] + vertices[:first] + [vertices[first]]
        out: list[Point] = []
        i = 0
        while i < len(vertices) - 1:
            arc = self._arc_of[_key(vertices[i], vertices[i + 1])]
            points = self._along(arc, vertices[i], vertices[i + 1])
            out.extend(points[:-1])
            i += len(self._arcs[arc]) - 1  # the arc runs from one junction to the next
        out.append(out[0])
        return out

    def _along(self, arc: int, a: Vertex, b: Vertex) -> list[Point]:
        """Arc `arc`'s smoothed points, in the direction of its edge a → b."""
        vertices, points = self._arcs[arc], self._smooth[arc]
        for j in range(len(vertices) - 1):
            if (vertices[j], vertices[j + 1]) == (a, b):
                return points
            if (vertices[j], vertices[j + 1]) == (b, a):
                return points[::-1]
        raise ValueError(f"edge {a}→{b} is not on arc {arc}")


def _boundary_edges(labels: np.ndarray) -> dict[Vertex, list[Vertex]]:
    """Corner → the corners it is joined to by a cell edge between two different labels."""
    outside = labels.min() - 1
    padded = np.pad(labels, 1, constant_values=outside)
    adjacent: dict[Vertex, list[Vertex]] = {}

    def add(rows: np.ndarray, cols: np.ndarray, dx: int, dy: int) -> None:
        for r, c in zip(rows.tolist(), cols.tolist(), strict=True):
            a, b = (c, r), (c + dx, r + dy)
            adjacent.setdefault(a, []).append(b)
            adjacent.setdefault(b, []).append(a)

    # Horizontal edges at row line r (r = 0..n), between cell rows r-1 and r.
    rows, cols = np.nonzero(padded[:-1, 1:-1] != padded[1:, 1:-1])
    add(rows, cols, 1, 0)
    # Vertical edges at column line c, between cell columns c-1 and c.
    rows, cols = np.nonzero(padded[1:-1, :-1] != padded[1:-1, 1:])
    add(rows, cols, 0, 1)
    return adjacent


def _smoothed(arc: list[Vertex], closed: bool, displace: Displace) -> list[Point]:
    """The arc's staircase as a smooth line: the midpoints of its cell edges, filtered, then with
    its corners cut, displaced, and thinned where straight. An open arc's ends are only displaced."""
    ends = np.asarray(arc, dtype=float)
    mids = (ends[:-1] + ends[1:]) / 2
    if closed:
        points = mids
        for _ in range(SMOOTHING_PASSES):
            points = (np.roll(points, 1, axis=0) + 2 * points + np.roll(points, -1, axis=0)) / 4
        for _ in range(CORNER_CUTS):
            following = np.roll(points, -1, axis=0)
            points = np.stack([0.75 * points + 0.25 * following, 0.25 * points + 0.75 * following],
                              axis=1).reshape(-1, 2)
        line = [(float(x), float(y)) for x, y in displace(points)]
        return _thinned([*line, line[0]])
    points = np.vstack([ends[:1], mids, ends[-1:]])
    for _ in range(SMOOTHING_PASSES):
        points[1:-1] = (points[:-2] + 2 * points[1:-1] + points[2:]) / 4
    for _ in range(CORNER_CUTS):
        cut = np.stack([0.75 * points[:-1] + 0.25 * points[1:], 0.25 * points[:-1] + 0.75 * points[1:]],
                       axis=1).reshape(-1, 2)
        points = np.vstack([points[:1], cut[1:-1], points[-1:]])
    return _thinned([(float(x), float(y)) for x, y in displace(points)])


def _thinned(line: list[Point]) -> list[Point]:
    """Drops points that lie within TOLERANCE of the line from the last one kept to the next
    (ends kept): a straight run needs no more than its ends."""
    kept = [line[0]]
    for point, following in zip(line[1:-1], line[2:], strict=True):
        (x0, y0), (x1, y1), (x2, y2) = kept[-1], point, following
        length = ((x2 - x0) ** 2 + (y2 - y0) ** 2) ** 0.5
        if length == 0 or abs((x2 - x0) * (y0 - y1) - (x0 - x1) * (y2 - y0)) / length > TOLERANCE:
            kept.append(point)
    kept.append(line[-1])
    return kept
