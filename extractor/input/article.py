"""Turn raw input (a string, a ``.txt`` file or an HTML page) into an ``Article``.

Plain-text files may start with a ``date YYYY-MM-DD`` token block (the sample's format). That
block is the publication date, not article content: it is removed, ``Article.text`` is the body
that every offset refers to, and ``Article.body_offset`` says how many characters were removed,
so ``raw[body_offset + start : body_offset + end]`` is the same span in the original file. An
HTML page's article is its main text as trafilatura extracts it (the same reader as in batches);
its offsets refer to that text, which the result carries.
"""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

from extractor.errors import InputError
from extractor.schemas import Article
from extractor.settings import MAX_ARTICLE_CHARS

_HEADER = re.compile(r"\A\s*date\s+(\d{4}-\d{2}-\d{2})(?:\s+|\Z)")
LONE_SURROGATE = re.compile("[\ud800-\udfff]")
"""A UTF-16 surrogate code point: in a Python string always unpaired (a pair decodes to one character)."""


def parse_date(value: str | date | None) -> date | None:
    """An ISO date string (or date) as a ``date``; anything else is an ``InputError``."""
    if value is None or isinstance(value, date):
        return value
    try:
        return date.fromisoformat(value.strip())
    except ValueError as exc:
        raise InputError(f"publication date {value!r} is not an ISO date (YYYY-MM-DD)") from exc


def split_header(raw: str) -> tuple[date | None, int]:
    """Return the header's date (if any) and the offset where the body starts."""
    match = _HEADER.match(raw)
    if not match:
        return None, 0
    return parse_date(match.group(1)), match.end()


def check_text(body: str) -> None:
    """Refuse what cannot be analysed: no text, binary content, an unpaired surrogate (JSON's
    ``\\ud800`` escape: no Unicode character, so no UTF-8 output could hold it), more than
    ``MAX_ARTICLE_CHARS``."""
    if not body.strip():
        raise InputError("article has no text")
    if "\x00" in body:
        raise InputError("text contains NUL bytes; it looks like a binary file")
    if (lone := LONE_SURROGATE.search(body)) is not None:
        raise InputError(f"text holds an unpaired UTF-16 surrogate (U+{ord(lone.group()):04X}) at character "
                         f"{lone.start()}: it is not valid Unicode (a JSON \\u{ord(lone.group()):04x} escape "
                         "without its pair)")
    if len(body) > MAX_ARTICLE_CHARS:
        raise InputError(f"article has {len(body):,} characters; the limit is {MAX_ARTICLE_CHARS:,}")


def make_article(raw: str, *, published: str | date | None = None, article_id: str | None = None,
                 title: str | None = None, source: str | None = None, url: str | None = None) -> Article:
    """Build the ``Article`` for ``raw``; an explicit ``published`` wins over the header's date."""
    if not isinstance(raw, str):
        raise InputError(f"article text must be str, got {type(raw).__name__}")
    header_date, offset = split_header(raw)
    body = raw[offset:]
    check_text(body)
    return Article(
        id=article_id or Article.content_id(body), text=body,
        published=parse_date(published) or header_date, title=title, source=source, url=url,
        body_offset=offset)


HTML_SUFFIXES = (".html", ".htm")


def read_article_file(path: str | Path, **kwargs: object) -> Article:
    """Read a UTF-8 text file, or an HTML page's main text and metadata, into an ``Article`` (clear
    error for undecodable bytes or a page with no article body); given metadata wins over the page's."""
    path = Path(path)
    data = path.read_bytes()
    if path.suffix.lower() in HTML_SUFFIXES:
        from extractor.input.html import article_from_html

        page = article_from_html(data, url=str(kwargs.get("url") or "") or None)
        if page is None:
            raise InputError(f"{path.name} holds no article body (an index page, a form, or no text)")
        found = {"published": page.published, "title": page.title, "url": page.url}
        return make_article(page.text, **{**found, **{k: v for k, v in kwargs.items() if v is not None}})  # type: ignore[arg-type]
    try:
        raw = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError(f"{path.name} is not UTF-8 text (byte {exc.start}: {exc.reason})") from exc
    return make_article(raw, **kwargs)  # type: ignore[arg-type]
