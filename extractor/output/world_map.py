"""The world's country outlines for the review page's map, drawn offline from vendored data.

The data is Natural Earth's 1:110m countries as TopoJSON from the ``world-atlas`` npm package
2.0.2 (ISC licence, ``world-atlas-LICENSE.txt``; Natural Earth is public domain), vendored as
package data and checked against its sha256 before use. The outlines become one SVG path in an
equirectangular projection onto a 360 × 180 box: x = longitude + 180, y = 90 − latitude, so a
marker for a place is placed by the same two sums.
"""

from __future__ import annotations

import hashlib
import json
from functools import lru_cache
from importlib import resources

from extractor.errors import DataError

ATLAS = "world-atlas-countries-110m.json"
ATLAS_SHA256 = "2516c915867c7baf18ddec727aec46c315541a07cfb3d79a6559b05d5e94eee8"
WIDTH, HEIGHT = 360, 180


def project(lat: float, lon: float) -> tuple[float, float]:
    """Map coordinates of a place: the equirectangular projection onto the 360 × 180 box."""
    return lon + 180.0, 90.0 - lat


@lru_cache(maxsize=1)
def world_path() -> str:
    """The SVG path data of every country outline (one ring a subpath), from the vendored atlas."""
    raw = resources.files("extractor.output").joinpath(ATLAS).read_bytes()
    if hashlib.sha256(raw).hexdigest() != ATLAS_SHA256:
        raise DataError(f"{ATLAS} does not match its sha256 {ATLAS_SHA256[:12]}…: the vendored map data was "
                        "changed; reinstall the package")
    topology = json.loads(raw)
    (sx, sy), (tx, ty) = topology["transform"]["scale"], topology["transform"]["translate"]
    arcs = []
    for arc in topology["arcs"]:
        x = y = 0
        points = []
        for dx, dy in arc:  # delta-encoded, quantised positions
            x, y = x + dx, y + dy
            points.append(project(y * sy + ty, x * sx + tx))
        arcs.append(points)
    parts = []
    for geometry in topology["objects"]["countries"]["geometries"]:
        polygons = geometry.get("arcs") or []
        if geometry.get("type") == "Polygon":
            polygons = [polygons]
        for polygon in polygons:
            for ring in polygon:
                points = []
                for index in ring:
                    arc = arcs[index] if index >= 0 else arcs[~index][::-1]
                    points.extend(arc if not points else arc[1:])
                if len(points) >= 3:
                    parts.append("M" + "L".join(f"{x:.1f} {y:.1f}" for x, y in points) + "Z")
    return "".join(parts)
