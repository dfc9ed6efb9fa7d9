"""Machine-readable outputs: the Atom feed and ``papers.json``."""

from __future__ import annotations

import io
import json
import uuid
from collections.abc import Iterator, Sequence
from functools import partial
from typing import Any

from generator.escape import XML, clean, xml_attribute, xml_text
from generator.ids import normalize_title
from generator.links import safe_url
from generator.model import Content, Paper
from generator.render.citation import bibtex_file, hf_url, pdf_url
from generator.render.common import (
    Context,
    listing_path,
    page_content,
    page_url,
    paper_path,
    topic_bibtex_path,
    topic_feed_path,
)


def _url(ctx: Context, md_path: str) -> str:
    """The URL path of a generated page relative to the site root."""
    return page_url(md_path, ctx.settings.directory_urls)


def _absolute(ctx: Context, md_path: str) -> str:
    base = ctx.settings.site_url or "/"
    if not base.endswith("/"):
        base += "/"
    return base + _url(ctx, md_path)


def _timestamp(paper: Paper) -> str:
    return paper.first_seen.isoformat() + "T00:00:00Z"


ENTRY_NAMESPACE = uuid.UUID("6f1c2a43-3f5e-5b8e-9a57-2d4f0c6b1e90")
"""The UUID namespace of paperfeed's Atom entry ids (:func:`entry_id`). Fixed forever."""


def entry_id(paper: Paper) -> str:
    """A paper's Atom entry id: a name-based UUID of what makes it the paper it is (its
    arXiv id, else its normalised title, numbered when papers of one title are kept apart:
    :attr:`~generator.model.Paper.key`, what :mod:`generator.feed` merges papers by), so
    the id survives a new ``site_url``, a renamed page (slug) or a paper seen again."""
    if paper.arxiv_id:
        name = f"arxiv:{paper.arxiv_id}"
    elif paper.key.startswith("title:"):
        name = paper.key
    else:  # a paper made without the feed (tests, tools)
        name = f"title:{normalize_title(paper.title)}"
    return f"urn:uuid:{uuid.uuid5(ENTRY_NAMESPACE, name)}"


def atom_feed(ctx: Context) -> str:
    """The site's Atom 1.0 feed of the newest papers (RFC 4287)."""
    papers = ctx.feed.papers[: ctx.settings.feed_size]
    return _atom(ctx, clean(ctx.settings.site_name), "index.md", "feed.xml", papers)


def topic_feeds(ctx: Context) -> Iterator[tuple[str, Content]]:
    """An Atom feed per topic with papers (``topics/<slug>/feed.xml``): its newest papers.
    A topic with no papers has no page, so no feed either. A renamed topic's feed is also
    at each of its earlier slugs (``renamed_from``, which no topic has: the taxonomy is
    checked): a feed reader subscribed there does not follow the redirect page that
    replaces the topic's page."""
    settings = ctx.settings
    for topic in ctx.taxonomy.topics:
        if not ctx.topic_papers.get(topic.slug):
            continue
        path = topic_feed_path(topic.slug)
        papers = ctx.topic_papers[topic.slug][: settings.feed_size]
        title = f"{clean(settings.site_name)}: {clean(topic.name)}"
        page = listing_path("topics", topic.slug)
        render = partial(_atom, ctx, title, page, path, papers)
        for at in (path, *map(topic_feed_path, topic.renamed_from)):
            yield at, page_content(ctx, partial(_feed_inputs, ctx, at, title, papers), render)


def topic_bibtex(ctx: Context) -> Iterator[tuple[str, Content]]:
    """A BibTeX file per topic with papers (``topics/<slug>/papers.bib``): every paper,
    newest first; a renamed topic's at its earlier slugs too, as its feed."""
    for topic in ctx.taxonomy.topics:
        if not ctx.topic_papers.get(topic.slug):
            continue
        path = topic_bibtex_path(topic.slug)
        papers = ctx.topic_papers[topic.slug]
        for at in (path, *map(topic_bibtex_path, topic.renamed_from)):
            inputs = partial(_bibtex_inputs, ctx, at, papers)
            yield at, page_content(ctx, inputs, partial(bibtex_file, papers))


def _bibtex_inputs(ctx: Context, path: str, papers: Sequence[Paper]) -> list[str]:
    return [path, *(ctx.paper_keys[p.id] for p in papers)]


def _feed_inputs(ctx: Context, path: str, title: str, papers: Sequence[Paper]) -> list[str]:
    """What :func:`_atom` reads besides the papers: the site's name and URL, and the date
    of the newest digest (an empty feed's date; topic names are the taxonomy's, covered
    by the memo's base)."""
    keys = ctx.paper_keys
    newest = ctx.feed.digests[-1].date.isoformat() if ctx.feed.digests else ""
    return [
        path,
        title,
        ctx.settings.site_name,
        ctx.settings.site_url,
        newest,
        *(keys[p.id] for p in papers),
    ]


_HEAD = XML(
    '<?xml version="1.0" encoding="utf-8"?>\n'
    '<feed xmlns="http://www.w3.org/2005/Atom">\n'
    "  <title>{}</title>\n"
    "  <id>{}</id>\n"
    '  <link rel="alternate" type="text/html" href={}/>\n'
    '  <link rel="self" type="application/atom+xml" href={}/>\n'
    "  <updated>{}</updated>\n"
    "  <generator>paperfeed</generator>\n"
)
_ENTRY = XML(
    "  <entry>\n"
    '    <title type="text">{}</title>\n'
    "    <id>{}</id>\n"
    '    <link rel="alternate" type="text/html" href={}/>\n'
    "    <published>{}</published>\n"
    "    <updated>{}T00:00:00Z</updated>\n"
    "{}"
    "{}"
    '    <summary type="text">{}</summary>\n'
    "  </entry>\n"
)
_AUTHOR = XML("    <author><name>{}</name></author>\n")
_CATEGORY = XML("    <category term={} label={}/>\n")
_END = XML("</feed>\n")
_NOTHING = XML()


def _atom(ctx: Context, title: str, page: str, path: str, papers: Sequence[Paper]) -> str:
    """An Atom 1.0 feed of ``papers`` (RFC 4287), about the page ``page``, at ``path``;
    every text is XML-escaped (:class:`~generator.escape.XML`: element text by
    :func:`~generator.escape.xml_text`, attribute values, quoted, by
    :func:`~generator.escape.xml_attribute`)."""
    dates = [p.last_seen for p in papers] or [d.date for d in ctx.feed.digests[-1:]]
    updated = max(dates).isoformat() + "T00:00:00Z" if dates else "1970-01-01T00:00:00Z"
    home = _absolute(ctx, page)
    site = clean(ctx.settings.site_name)
    out = [
        _HEAD.format(
            xml_text(title),
            xml_text(home),
            xml_attribute(home),
            xml_attribute(_absolute(ctx, path)),
            updated,
        )
    ]
    for paper in papers:
        url = _absolute(ctx, paper_path(paper))
        names = paper.authors or (site,)
        authors = _NOTHING.join(_AUTHOR.format(xml_text(clean(a))) for a in names)
        categories = _NOTHING.join(
            _CATEGORY.format(
                xml_attribute(topic), xml_attribute(clean(ctx.topic_names.get(topic, topic)))
            )
            for topic in ctx.classes.topics.get(paper.id, ())
        )
        out.append(
            _ENTRY.format(
                xml_text(clean(paper.title)),
                entry_id(paper),
                xml_attribute(url),
                _timestamp(paper),
                paper.last_seen.isoformat(),
                authors,
                categories,
                xml_text(clean(paper.abstract)),
            )
        )
    out.append(_END)
    return str(_NOTHING.join(out))


def paper_record(ctx: Context, paper: Paper) -> dict[str, Any]:
    """The public JSON form of a paper (also what ``paperfeed parse --json`` extends)."""
    return {
        "id": paper.id,
        "slug": paper.slug,
        "title": paper.title,
        "abstract": paper.abstract,
        "date": paper.first_seen.isoformat(),
        "arxiv_id": paper.arxiv_id,
        "url": safe_url(paper.url) if paper.url else None,
        "authors": list(paper.authors),
        "links": [{"url": link.url, "kind": link.kind} for link in paper.links],
        "primary_topic": next(iter(ctx.classes.topics.get(paper.id, ())), None),
        "topics": list(ctx.classes.topics.get(paper.id, ())),
        "tags": list(ctx.classes.tags.get(paper.id, ())),
        "related": list(ctx.classes.related.get(paper.id, ())),
        "appearances": [
            {"date": a.date.isoformat(), "digest": a.digest, "position": a.position}
            for a in paper.appearances
        ],
        "note": paper.note,
        "page": _url(ctx, paper_path(paper)),
        **source_fields(paper),
    }


def source_fields(paper: Paper) -> dict[str, Any]:
    """What the sources tell about a paper (``papers.json`` and ``paperfeed parse --json``):
    ``null``, ``""`` or ``[]`` where unknown."""
    return {
        "published": paper.published.isoformat() if paper.published else None,
        "pdf": pdf_url(paper),
        "hf_url": hf_url(paper.arxiv_id) if paper.arxiv_id else None,
        "category": paper.category,
        "arxiv_comment": paper.arxiv_comment,
        "upvotes": paper.upvotes,
        "comments": paper.comments,
        "stars": paper.stars,
        "keywords": list(paper.keywords),
        "organization": paper.organization,
    }


CHUNK = 1 << 20
"""About how many bytes of ``papers.json`` :func:`papers_json_chunks` yields at a time."""


def papers_json(ctx: Context) -> bytes:
    """The whole feed as compact JSON: digests, topics, tags and every paper, newest first."""
    return b"".join(papers_json_chunks(ctx))


def papers_json_chunks(ctx: Context) -> Iterator[bytes]:
    """:func:`papers_json` a piece at a time, so that a writer never holds it whole (280 MB
    at 100,000 papers). Written a paper at a time: the same bytes as one ``json.dumps`` of
    the whole document (tested).
    """
    head = {
        "generator": "paperfeed",
        "digests": [
            {
                "slug": d.slug,
                "date": d.date.isoformat(),
                "title": d.title,
                "papers": len(d.entries),
            }
            for d in ctx.feed.digests
        ],
        "topics": [
            {
                "slug": t.slug,
                "name": t.name,
                "parent": t.parent,
                "page": _url(ctx, listing_path("topics", t.slug)),
            }
            for t in ctx.taxonomy.topics
            if ctx.topic_papers.get(t.slug)
        ],
    }
    out = io.BytesIO()
    out.write(_compact(head)[:-1].encode())
    out.write(b',"papers":[')
    for n, paper in enumerate(ctx.feed.papers):
        if n:
            out.write(b",")
        out.write(_compact(paper_record(ctx, paper)).encode())
        if out.tell() >= CHUNK:
            yield out.getvalue()
            out = io.BytesIO()
    out.write(b"]}\n")
    yield out.getvalue()


_ENCODER = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"))
"""What ``json.dumps(value, ensure_ascii=False, separators=(",", ":"))`` uses, made once
(``dumps`` makes an encoder on every call with options: a fifth of the encoding time of
a 2 KB record)."""


def _compact(value: Any) -> str:
    # Compact: the C encoder only runs without indentation (seconds saved at 100,000 papers).
    return _ENCODER.encode(value)
