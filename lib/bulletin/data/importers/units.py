"""Units of quantity: masses are converted to kilograms; counts, volumes and areas are kept apart.

A count of tablets, doses or plants, a volume of liquid or an area of fields has no weight the
importer could know: such quantities are never turned into kilograms, nor are units given as
packages of a stated weight ("Block (350gr)", "Paper (1/10 gm)": the weight of one is the
reporter's estimate, not a measure) or local units ("Viss"). Their rows are left out of the
kilogram tables and reported, unit by unit, in the import summary and the provenance record. A
unit the importer does not know refuses the file; an empty unit cell is reported by the reader.
"""

from __future__ import annotations

KG_PER_UNIT: dict[str, float] = {
    "microgram": 1e-9,
    "micrograms": 1e-9,
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
    "ounce": 0.028349523125,
    "ounces": 0.028349523125,
    "oz": 0.028349523125,
    "100 gram": 0.1,
    "100 grams": 0.1,
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
            "stamp",
            "stamps",
            "injection",
            "injections",
            "bush",
            "bushes",
            "flacon",
            "flacons",
            "mark",
            "marks",
            "barette",
            "barettes",
            "trip",
            "trips",
            "joint",
            "joints",
            "blotting paper",
            "paper (1/10 gm)",
            "block (350gr)",
            "thousand of doses",
            "thousand of tablets",
            "hundred of units",
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
            "cubic centimeter",
            "cc",
            "cm3",
            "gallon",
            "gallons",
            "gallons (us, liquid)",
            "gallons (uk)",
        ),
        "volume",
    ),
    **dict.fromkeys(("acre", "acres", "hectare", "hectares", "hectars", "ha"), "area"),
    **dict.fromkeys(("other", "viss"), "other unit"),
}
"""Units that are not masses: a count of items, a volume, an area or another unit (never converted
to kilograms)."""


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
