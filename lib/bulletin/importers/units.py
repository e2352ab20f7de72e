"""Units of quantity: masses are converted to kilograms; counts and volumes are kept apart.

A count of tablets, doses or plants, or a volume of liquid, has no weight the importer could know:
such quantities are never turned into kilograms. Their rows are left out of the kilogram tables
and reported, unit by unit, in the import summary and the provenance record. A unit the importer
does not know refuses the file.
"""

from __future__ import annotations

KG_PER_UNIT: dict[str, float] = {
    "milligram": 1e-6,
    "milligrams": 1e-6,
    "mg": 1e-6,
    "gram": 1e-3,
    "grams": 1e-3,
    "gramme": 1e-3,
    "g": 1e-3,
    "gr": 1e-3,
    "kilogram": 1.0,
    "kilograms": 1.0,
    "kilogramme": 1.0,
    "kg": 1.0,
    "kgs": 1.0,
    "ton": 1000.0,
    "tons": 1000.0,
    "tonne": 1000.0,
    "tonnes": 1000.0,
    "metric ton": 1000.0,
    "metric tons": 1000.0,
    "t": 1000.0,
}
"""Kilograms in one of each mass unit (names case-folded, blanks trimmed)."""

KEPT_APART: dict[str, str] = {
    **dict.fromkeys(
        (
            "unit",
            "units",
            "piece",
            "pieces",
            "tablet",
            "tablets",
            "pill",
            "pills",
            "capsule",
            "capsules",
            "dose",
            "doses",
            "dosage unit",
            "dosage units",
            "ampoule",
            "ampoules",
            "ampule",
            "ampules",
            "blotter",
            "blotters",
            "plant",
            "plants",
            "seed",
            "seeds",
            "bottle",
            "bottles",
            "package",
            "packages",
            "packet",
            "packets",
            "vial",
            "vials",
            "sachet",
            "sachets",
        ),
        "count",
    ),
    **dict.fromkeys(
        (
            "litre",
            "litres",
            "liter",
            "liters",
            "l",
            "millilitre",
            "millilitres",
            "milliliter",
            "milliliters",
            "ml",
            "cubic centimetre",
            "cm3",
        ),
        "volume",
    ),
}
"""Units that are not masses: a count of items or a volume (never converted to kilograms)."""


def unit_kind(name: str) -> tuple[str, float | None] | None:
    """Classify a unit name: ``("mass", kg_per_unit)``, ``("count", None)``, ``("volume", None)``.

    Returns ``None`` for a unit the importer does not know.

    >>> unit_kind(" Gram ")
    ('mass', 0.001)
    >>> unit_kind("Tablets")
    ('count', None)
    """
    key = " ".join(name.replace("\xa0", " ").split()).casefold()
    if key in KG_PER_UNIT:
        return ("mass", KG_PER_UNIT[key])
    if key in KEPT_APART:
        return (KEPT_APART[key], None)
    return None
