"""Split long articles into overlapping chunks on sentence boundaries.

Each chunk is rendered with the article's *global* sentence numbers and quotation ids, so the
model's answers for every chunk already point into the whole article: merging is a union
(duplicates from the overlap collapse on the same sentence or quotation id) and every offset
refers to the whole text.
"""

from __future__ import annotations

from dataclasses import dataclass

from extractor.candidates.quotes import QuoteCandidate
from extractor.linguistic.sentences import Sentence
from extractor.settings import CHUNK_CHARS, CHUNK_OVERLAP_SENTENCES


@dataclass(frozen=True)
class Chunk:
    index: int
    sentences: list[Sentence]
    candidates: list[QuoteCandidate]

    @property
    def start(self) -> int:
        return self.sentences[0].start

    @property
    def end(self) -> int:
        return self.sentences[-1].end

    @property
    def sentence_numbers(self) -> list[int]:
        return [s.index for s in self.sentences]


def plan_chunks(sents: list[Sentence], candidates: list[QuoteCandidate],
                max_chars: int = CHUNK_CHARS, overlap: int = CHUNK_OVERLAP_SENTENCES) -> list[Chunk]:
    """Greedy chunks of whole sentences of at most ``max_chars`` (a longer sentence is its own
    chunk), each starting ``overlap`` sentences before the previous one ended, preferring to
    end at a paragraph break."""
    if not sents:
        return []
    groups: list[list[Sentence]] = []
    i = 0
    while i < len(sents):
        j = i + 1
        while j < len(sents) and sents[j].end - sents[i].start <= max_chars:
            j += 1
        if j < len(sents):
            breaks = [k for k in range(i + 1, j) if sents[k].paragraph != sents[k - 1].paragraph]
            if breaks and breaks[-1] - i > (j - i) // 2:
                j = breaks[-1]
        groups.append(sents[i:j])
        if j >= len(sents):
            break
        i = max(i + 1, j - overlap)
    chunks = []
    for index, group in enumerate(groups):
        start, end = group[0].start, group[-1].end
        chunk_candidates = [c for c in candidates if start <= c.outer_start < end]
        chunks.append(Chunk(index=index, sentences=group, candidates=chunk_candidates))
    return chunks
