"""The countries the bulletin is about, as constants a command can read without pandas."""

from __future__ import annotations

CENTRAL_ASIA: tuple[str, ...] = ("KAZ", "KGZ", "TJK", "TKM", "UZB")
"""The five countries the bulletin covers, in the order it lists them."""
DEFAULT_SCOPE: frozenset[str] = frozenset((*CENTRAL_ASIA, "RUS", "AFG"))
"""The countries an import keeps by default: the five, the Russian Federation and Afghanistan."""
