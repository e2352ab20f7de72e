"""What the benchmark scripts share: the best wall-clock time of a step over several runs."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any


def best_of(step: Callable[[], Any], repeat: int) -> tuple[Any, float]:
    """The result of ``step`` and its best wall-clock time over ``repeat`` runs."""
    best = float("inf")
    result = None
    for _ in range(repeat):
        start = time.perf_counter()
        result = step()
        best = min(best, time.perf_counter() - start)
    return result, best
