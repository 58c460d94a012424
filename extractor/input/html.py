"""The article body and metadata of an HTML page, via trafilatura (boilerplate, menus, scripts and
comments removed: a hand-written tag stripper would keep them all)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class HtmlArticle:
    text: str
    title: str | None
    published: str | None
    url: str | None


def article_from_html(html: str | bytes, url: str | None = None) -> HtmlArticle | None:
    """The main text of the page, or None when the page has no article body."""
    import trafilatura

    doc = trafilatura.bare_extraction(html, url=url, with_metadata=True, include_comments=False,
                                      include_tables=False)
    if doc is None or isinstance(doc, dict) or not (doc.text or "").strip():
        return None
    published = doc.date if doc.date and len(doc.date) == 10 else None
    return HtmlArticle(text=doc.text or "", title=doc.title, published=published, url=doc.url or url)
