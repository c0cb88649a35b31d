"""Boundaries that tile like a real map, cut from a raster.

The country is a blob of grid cells; each level splits its parent's cells between the
children by nearest seed in a smoothly warped space (wiggly borders, no speckle).  Because
every region is a union of whole cells, children tile their parent exactly: no gaps, no
overlaps, areas add up.  Each cell set is traced into GeoJSON MultiPolygon rings (outer
rings counter-clockwise, holes clockwise, every ring closed), along borders smoothed once for
all levels (arcs.py): the staircase of the cells never reaches the map, and the tiling holds.
"""

from __future__ import annotations

import math
from collections import Counter, deque

import numpy as np

from .arcs import Arcs
from .hashing import h, unit, vh

BBOX = (28.86, -2.84, 30.90, -1.05)  # lon/lat box the synthetic country is drawn in


def tile(seed: int, grid: int, parents: list[list[int]]) -> tuple[list, list[list]]:
    """Cut the country and a region tree into MultiPolygons.

    ``parents[L][i]`` is the index of level-(L+1) node i's parent in level L (level 0 nodes
    use parent 0, the country).  Returns (country coordinates, coordinates per level per node).
    """
    rows, cols = np.mgrid[0:grid, 0:grid]
    x = (cols + 0.5) / grid * 2 - 1
    y = (rows + 0.5) / grid * 2 - 1
    theta = np.arctan2(y, x)
    ph = [unit(vh(seed, "blob", i))[0] * 6.283 for i in range(3)]
    radius = 0.86 * (1 + 0.12 * np.sin(3 * theta + ph[0]) + 0.07 * np.sin(5 * theta + ph[1])
                     + 0.04 * np.sin(9 * theta + ph[2]))
    country = np.hypot(x, y) < radius
    # Smooth warp so that nearest-seed borders wiggle like rivers and ridges, at a few scales.
    wx = x + 0.09 * np.sin(4.1 * y + ph[1]) + 0.04 * np.sin(9.3 * y + ph[2])
    wy = y + 0.09 * np.sin(3.7 * x + ph[0]) + 0.04 * np.sin(8.9 * x + ph[1])
    for k, frequency in enumerate((17.3, 29.1)):
        wx = wx + 0.3 / frequency * np.sin(frequency * (0.8 * y + 0.6 * x) + ph[k])
        wy = wy + 0.3 / frequency * np.sin(frequency * (0.8 * x - 0.6 * y) + ph[k + 1])

    owner_prev = np.where(country, 0, -1)
    owners: list[np.ndarray] = []
    for level, level_parents in enumerate(parents):
        owner = np.full((grid, grid), -1)
        by_parent: dict[int, list[int]] = {}
        for i, p in enumerate(level_parents):
            by_parent.setdefault(p, []).append(i)
        for p, children in by_parent.items():
            cells = np.flatnonzero(owner_prev.ravel() == p)
            if len(cells) < len(children):
                raise ValueError(f"grid {grid} too coarse for {len(children)} children of level {level} node {p}")
            seeds = _spread_seeds(seed, level, p, cells, wx.ravel(), wy.ravel(), len(children))
            sx, sy = wx.ravel()[seeds], wy.ravel()[seeds]
            d = (wx.ravel()[cells][:, None] - sx[None, :]) ** 2 + (wy.ravel()[cells][:, None] - sy[None, :]) ** 2
            nearest = np.argmin(d, axis=1)
            flat = owner.ravel()
            flat[cells] = np.asarray(children)[nearest]
            flat[seeds] = children  # a seed's own cell is always its region's
            _join_strays(flat, grid, seeds.tolist(), children)
        owners.append(owner)
        owner_prev = owner
    # One label per distinct (country, level 1, level 2 ...) owner: the borders of every level.
    _, atoms = np.unique(np.stack([country.astype(int), *owners]).reshape(len(owners) + 1, -1), axis=1,
                         return_inverse=True)
    arcs = Arcs(atoms.reshape(grid, grid), _meanders(seed, grid))
    result = [[_to_multipolygon(owner == i, grid, arcs) for i in range(len(level_parents))]
              for owner, level_parents in zip(owners, parents, strict=True)]
    return _to_multipolygon(country, grid, arcs), result


# Octaves of the borders' meanders: (wavelength, amplitude) as shares of the map's width. Each
# octave's steepest slope (amplitude × 2π / wavelength ≈ 0.15) keeps their sum below 1: the
# displacement never folds a border over its neighbour.
MEANDERS = tuple((0.4 / 2 ** octave, 0.4 / 2 ** octave * 0.15 / 6.283) for octave in range(5))


def _meanders(seed: int, grid: int):
    """A displacement of grid points that bends the smoothed borders like rivers and ridges, at
    several scales: a sum of plane waves in hashed directions, a function of position only."""
    waves = []
    for octave, (wavelength, amplitude) in enumerate(MEANDERS):
        for k in range(3):
            direction, phase_x, phase_y = (unit(vh(seed, "meander", octave, k, n))[0] * 6.283 for n in range(3))
            waves.append((np.array([math.cos(direction), math.sin(direction)]) * 6.283 / (wavelength * grid),
                          amplitude * grid / 3, phase_x, phase_y))

    def displace(points: np.ndarray) -> np.ndarray:
        moved = points.copy()
        for frequency, amplitude, phase_x, phase_y in waves:
            along = points @ frequency
            moved[:, 0] += amplitude * np.sin(along + phase_x)
            moved[:, 1] += amplitude * np.sin(along + phase_y)
        return moved

    return displace


def _join_strays(flat: np.ndarray, grid: int, seeds: list[int], children: list[int]) -> None:
    """Each child in one piece: where the warp folded, cells cut off from their seed (specks,
    pieces touching at a corner) go to the neighbour that surrounds them most, within the parent."""
    def neighbours(cell: int) -> list[int]:
        row, col = divmod(cell, grid)
        return [cell + step for step, ok in ((-grid, row > 0), (grid, row < grid - 1), (-1, col > 0),
                                              (1, col < grid - 1)) if ok]

    reached: set[int] = set()
    for seed_cell, child in zip(seeds, children, strict=True):
        queue = deque([seed_cell])
        reached.add(seed_cell)
        while queue:
            for other in neighbours(queue.popleft()):
                if other not in reached and flat[other] == child:
                    reached.add(other)
                    queue.append(other)
    strays = {int(cell) for child in children for cell in np.flatnonzero(flat == child)} - reached
    while strays:  # the parent is in one piece, so every stray touches a settled cell in time
        settled = {}
        for cell in sorted(strays):
            owners = Counter(int(flat[n]) for n in neighbours(cell) if n in reached)
            if owners:
                settled[cell] = min(owners.items(), key=lambda item: (-item[1], item[0]))[0]
        if not settled:
            raise ValueError("a parent region in more than one piece")
        for cell, child in settled.items():
            flat[cell] = child
            reached.add(cell)
        strays -= set(settled)


def _spread_seeds(seed: int, level: int, parent: int, cells: np.ndarray, wx, wy, k: int) -> np.ndarray:
    """k well-spread distinct cells (farthest-point sampling from a hashed start)."""
    first = cells[h(seed, "seed0", level, parent) % len(cells)]
    chosen = [first]
    dist = (wx[cells] - wx[first]) ** 2 + (wy[cells] - wy[first]) ** 2
    for _ in range(k - 1):
        nxt = cells[int(np.argmax(dist))]
        chosen.append(nxt)
        dist = np.minimum(dist, (wx[cells] - wx[nxt]) ** 2 + (wy[cells] - wy[nxt]) ** 2)
    return np.asarray(chosen)


def _to_multipolygon(mask: np.ndarray, grid: int, arcs: Arcs) -> list:
    """Trace a cell mask into MultiPolygon coordinates in lon/lat, along the smoothed borders."""
    rings = _trace(mask)
    outers = [r for r in rings if _signed_area(r) > 0]
    holes = [r for r in rings if _signed_area(r) < 0]
    polys = [[o] for o in outers]
    for hole in holes:
        px, py = _interior_point(hole)
        for poly in polys:
            if _contains(poly[0], px, py):
                poly.append(hole)
                break
    minx, miny, maxx, maxy = BBOX
    dx, dy = (maxx - minx) / grid, (maxy - miny) / grid
    return [[[[round(minx + c * dx, 5), round(miny + r * dy, 5)] for c, r in arcs.ring(ring)] for ring in poly]
            for poly in polys]


def _trace(mask: np.ndarray) -> list[list[tuple[int, int]]]:
    """Closed rings (first point repeated last) around the True cells; (col, row) corners, one
    per cell edge."""
    padded = np.pad(mask, 1)
    core = padded[1:-1, 1:-1]
    out: dict[tuple[int, int], list[tuple[int, int]]] = {}

    def add(sel: np.ndarray, a: tuple[int, int], b: tuple[int, int]) -> None:
        rr, cc = np.nonzero(sel)
        for r, c in zip(rr.tolist(), cc.tolist(), strict=True):
            out.setdefault((c + a[0], r + a[1]), []).append((c + b[0], r + b[1]))

    add(core & ~padded[:-2, 1:-1], (0, 0), (1, 0))  # bottom edge, eastward
    add(core & ~padded[1:-1, 2:], (1, 0), (1, 1))  # right edge, northward
    add(core & ~padded[2:, 1:-1], (1, 1), (0, 1))  # top edge, westward
    add(core & ~padded[1:-1, :-2], (0, 1), (0, 0))  # left edge, southward
    rings = []
    while out:
        start = min(out)
        ring = [start]
        prev, cur = None, start
        while True:
            options = out[cur]
            if len(options) == 1 or prev is None:
                nxt = options.pop(0)
            else:  # a pinch point: keep hugging the same cell (prefer the left turn)
                din = (cur[0] - prev[0], cur[1] - prev[1])
                options.sort(key=lambda p: -(din[0] * (p[1] - cur[1]) - din[1] * (p[0] - cur[0])))
                nxt = options.pop(0)
            if not options:
                del out[cur]
            prev, cur = cur, nxt
            if cur == start:
                ring.append(start)
                break
            ring.append(cur)
        rings.append(ring)
    return rings


def _signed_area(ring) -> float:
    return 0.5 * sum(ring[i][0] * ring[i + 1][1] - ring[i + 1][0] * ring[i][1] for i in range(len(ring) - 1))


def _interior_point(hole) -> tuple[float, float]:
    """A point just inside a hole ring's enclosed cells (right of its first edge)."""
    (x0, y0), (x1, y1) = hole[0], hole[1]
    mx, my = (x0 + x1) / 2, (y0 + y1) / 2
    dx, dy = x1 - x0, y1 - y0
    length = math.hypot(dx, dy)
    return mx + dy / length * 0.25, my - dx / length * 0.25


def _contains(ring, px: float, py: float) -> bool:
    inside = False
    for i in range(len(ring) - 1):
        (x0, y0), (x1, y1) = ring[i], ring[i + 1]
        if (y0 > py) != (y1 > py) and px < x0 + (py - y0) * (x1 - x0) / (y1 - y0):
            inside = not inside
    return inside


def ring_area(ring: list[list[float]]) -> float:
    """Signed shoelace area of a lon/lat ring (positive = counter-clockwise)."""
    return _signed_area(ring)


def multipolygon_area(coords: list) -> float:
    """Area of a MultiPolygon: outer rings minus holes."""
    return sum(abs(ring_area(p[0])) - sum(abs(ring_area(hh)) for hh in p[1:]) for p in coords)


def point_in_multipolygon(coords: list, x: float, y: float) -> bool:
    return any(_contains(poly[0], x, y) and not any(_contains(hh, x, y) for hh in poly[1:]) for poly in coords)
