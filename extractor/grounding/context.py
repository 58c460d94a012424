"""The grounding context of one model call: what its answer may refer to, for the validators.

``extractor.schemas.response`` states what a validator needs (``GroundingContext``); this is the
extractor's implementation, built from the chunk of the article the call covers.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from functools import cached_property

from extractor.grounding.align import normalise


@dataclass(frozen=True)
class ChunkGrounding:
    """Quote, actor and event ids and numbered sentences of one chunk, and the whole article's text
    for names."""

    article_text: str
    quote_ids: frozenset[str]
    sentences: Mapping[int, str]
    actor_ids: frozenset[str] = frozenset()
    event_ids: frozenset[str] = frozenset()
    strict: bool = False

    @cached_property
    def _folded_article(self) -> str:
        return normalise(self.article_text)[0]

    def name_in_article(self, name: str) -> bool:
        """The name occurs in the article once case, quote marks, dashes and spaces are folded."""
        return normalise(name)[0] in self._folded_article

    def relaxed(self) -> "ChunkGrounding":
        """The same references, without the grounding checks (used to salvage a last answer)."""
        return replace(self, strict=False)
