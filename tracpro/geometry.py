"""GeoJSON helpers for map boundaries."""

from __future__ import annotations

from typing import Any


def _signed_area(ring: list[list[float]]) -> float:
    """Twice the ring's area on the plane: positive when its points run counter-clockwise."""
    return sum(x1 * y2 - x2 * y1 for (x1, y1, *_), (x2, y2, *_) in zip(ring, ring[1:] + ring[:1], strict=True))


def _wound(ring: list[list[float]], clockwise: bool) -> list[list[float]]:
    is_clockwise = _signed_area(ring) < 0
    return ring if is_clockwise == clockwise else list(reversed(ring))


def clockwise_rings(geometry: dict[str, Any] | None) -> dict[str, Any] | None:
    """The geometry with outer rings clockwise and holes counter-clockwise.

    plotly's geo maps (d3-geo) read ring direction spherically: a counter-clockwise outer ring,
    RFC 7946's convention, is drawn as the whole world minus the region. RapidPro does not
    promise either direction, so rings are normalised when boundaries are synced.
    """
    if not geometry or geometry.get("type") not in ("Polygon", "MultiPolygon"):
        return geometry
    polygons = geometry["coordinates"] if geometry["type"] == "MultiPolygon" else [geometry["coordinates"]]
    rewound = [
        [_wound(ring, clockwise=index == 0) for index, ring in enumerate(polygon) if len(ring) >= 4]
        for polygon in polygons
    ]
    coordinates = rewound if geometry["type"] == "MultiPolygon" else rewound[0]
    return {**geometry, "coordinates": coordinates}
