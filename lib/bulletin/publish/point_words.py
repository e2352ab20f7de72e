"""How a main point's wording helper is made, and the words the helpers share.

A helper of :mod:`bulletin.publish.main_points` is a writer of one sentence from the key figures,
made into a helper by :func:`words`: the helper names the figures it needs and returns the
sentence with the records of the figures it states (a :class:`~bulletin.publish.report.MainPoint`,
whose statuses the front page gives it), or None when one is missing.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable, Iterable, Mapping
from typing import Any, NamedTuple

from bulletin.core.wording import join_words
from bulletin.data.trust import is_reconstructed, least_trusted
from bulletin.data.vocab import country_name
from bulletin.publish.report import MainPoint

log = logging.getLogger(__name__)

Figures = Mapping[str, Mapping[str, Any]]


class Worded(NamedTuple):
    """A sentence and the names of the figures it states, when not all those its helper names.

    A writer returns one when its sentence leaves a figure out (a reconstructed share it does not
    state, whose status must not weigh on the sentence) or states one its helper does not require
    (read with ``figures.get``); a plain sentence states every figure its helper names.
    """

    sentence: str
    names: tuple[str, ...]


Writer = Callable[[Figures], "str | Worded"]


def by_name(figures: Figures | Iterable[Mapping[str, Any]]) -> dict[str, Mapping[str, Any]]:
    """Key figures by name, from the records a notebook made (or already by name).

    >>> list(by_name([{"name": "a", "value": 1}]))
    ['a']
    """
    if isinstance(figures, Mapping):
        return dict(figures)
    return {str(record["name"]): record for record in figures if "name" in record}


def words(*names: str) -> Callable[[Writer], Callable[..., MainPoint | None]]:
    """Make a writer of a sentence into a wording helper resting on the figures ``names``.

    The helper returns the sentence with the records of the figures it states (whose statuses
    the front page gives it): those ``names``, or those of the writer's :class:`Worded`. None when
    one of ``names`` is missing, or when the writer finds a value it cannot word (logged).
    """

    def decorate(write: Writer) -> Callable[..., MainPoint | None]:
        @functools.wraps(write)
        def point(figures: Figures | Iterable[Mapping[str, Any]]) -> MainPoint | None:
            named = by_name(figures)
            if not set(names) <= set(named):
                return None
            try:
                worded = write(named)
            except (KeyError, TypeError, ValueError) as error:
                log.warning("no main point from %s: %s", write.__name__, error)
                return None
            if not isinstance(worded, Worded):
                worded = Worded(worded, names)
            return MainPoint(worded.sentence, tuple(named[name] for name in worded.names))

        point.figures = names  # type: ignore[attr-defined]
        return point

    return decorate


def capitalised(text: str) -> str:
    """A sentence begun with a capital letter."""
    return text[0].upper() + text[1:] if text else text


def made(*records: Mapping[str, Any]) -> bool:
    """Whether any of some figures rests on rows the project made (reconstructed or estimated)."""
    return any(is_reconstructed(str(r.get("status", ""))) for r in records if r)


def stated(record: Mapping[str, Any]) -> bool:
    """Whether a figure is the bulletin's own (stated in its text, not official)."""
    return least_trusted(str(record.get("status", ""))) == "stated"


def country_list(codes: str) -> str:
    """ISO3 codes joined by ``;`` as country names in a sentence."""
    return join_words([country_name(c) for c in str(codes).split(";") if c])
