"""Pieces shared by the page renderers: URLs, links, paper list items, pagination.

A generated page is a Markdown file whose body is a sequence of block-level HTML
elements separated by blank lines. Python-Markdown passes such blocks through
untouched, so the file renders the same with or without paperfeed's plugin, and
the plugin can skip Markdown for it altogether (see :mod:`generator.plugin`).
Every piece of digest text in a block is HTML-escaped (:mod:`generator.escape`);
no block ever contains a blank line, so a block can never end early. Blocks are
:class:`~generator.escape.HTML`, made from literal fragments and autoescaped templates
(:mod:`generator.templates`), never by formatting or concatenating strings.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, MutableMapping, Sequence
from dataclasses import dataclass, field, replace
from functools import cache, partial

from generator.escape import (
    HTML,
    NO_HTML,
    Kept,
    clean,
    external_link,
    front_matter_text,
    front_matter_title,
    text,
)
from generator.ids import file_digest, key
from generator.model import Classification, Content, Feed, Known, Link, Paper, Taxonomy
from generator.render.citation import abs_url, pdf_url
from generator.render.math import html as math_html
from generator.templates import Templates, default_templates

LINK_LABELS = {"code": "Code", "project": "Project page", "other": "Link"}
UNSEARCHED = HTML("<p data-search-exclude>{}</p>")
"""A paragraph kept out of the search index, Material's and Pagefind's
(``data-search-exclude``, :data:`generator.search.EXCLUDE_SELECTORS`): navigation, link
lists and a listing's entries, so that a search finds a paper on its own page and a
listing by its name and description, not by the papers it lists."""
DOT = HTML(" · ")
"""What separates the items of a line of facts or links."""
LINES = HTML("\n")
"""What separates the items of a list, a line each."""
UNSEARCHED_LIST = HTML("<ul data-search-exclude>\n{}\n</ul>")
"""A list (its items joined by :data:`LINES`) kept out of the search index."""
UNSEARCHED_NUMBERED = HTML("<ol data-search-exclude>\n{}\n</ol>")
"""A numbered list (its items joined by :data:`LINES`) kept out of the search index."""


@dataclass(frozen=True)
class SiteSettings:
    """What the renderer needs to know about the site being built."""

    site_url: str = ""
    """Absolute URL of the site root, with a trailing slash (for the Atom feed)."""
    site_name: str = "paperfeed"
    page_size: int = 30
    """Papers per listing page; longer topic and tag listings are split."""
    feed_size: int = 50
    """Papers in the Atom feed."""
    related_k: int = 5
    extra_pages: tuple[tuple[str, str], ...] = ()
    """Hand-written pages of the docs folder, as (path, title), linked from the home page."""
    directory_urls: bool = True
    """MkDocs' ``use_directory_urls``: ``papers/x/`` rather than ``papers/x.html``."""
    templates: Templates | None = None
    """The templates of paper entries and paper pages, the ``custom_dir``'s where it has
    them (:mod:`generator.templates`); None: paperfeed's own."""


@dataclass(frozen=True)
class Context:
    """Everything the page renderers read; built once per build."""

    feed: Feed
    taxonomy: Taxonomy
    classes: Classification
    settings: SiteSettings
    papers: dict[str, Paper]
    topic_names: dict[str, str]
    tag_names: dict[str, str]
    titles: _Escaped
    """Paper id -> its title as HTML (:class:`_Escaped`: made once, when first used, then
    used on many pages)."""
    abstracts: _Escaped
    """Paper id -> its abstract as HTML (made once, when first used, then used on up to 8
    pages)."""
    topic_html: dict[str, HTML] = field(default_factory=dict)
    tag_html: dict[str, HTML] = field(default_factory=dict)
    topic_papers: dict[str, list[Paper]] = field(default_factory=dict)
    """Topic slug -> its papers, newest first (every topic of the taxonomy has a key)."""
    tag_papers: dict[str, list[Paper]] = field(default_factory=dict)
    """Tag slug -> its papers, newest first; only tags some paper has, sorted by slug."""
    items: Kept[tuple[str, int]] = field(default_factory=Kept)
    """Rendered listing entries, kept for the other listings of the paper
    (:func:`generator.render.items.paper_item`)."""
    fragments: dict[tuple[str, str, tuple[str, ...]], HTML] = field(default_factory=dict)
    """Rendered topic and tag link lists by (kind, path up to the root, slugs); the list
    items of related papers by ("related", page depth, (paper id,))."""
    links: dict[str, HTML] = field(default_factory=dict)
    """Paper id -> its links as HTML (:func:`paper_links`): on its page and in every
    listing depth it appears at."""
    memo: MutableMapping[str, str] | None = None
    """Page fingerprint -> hash of the page an earlier build rendered from those inputs
    (:func:`page_content`); None: every page is rendered."""
    base: str = ""
    """:func:`page_base`: what every memoised page may read besides its own inputs."""
    paper_keys: dict[str, str] = field(default_factory=dict)
    """Paper id -> the hash of what a page may read of the paper (:class:`_PaperKeys`)."""
    templates: Templates = field(default_factory=default_templates)
    """The templates of this build (:attr:`SiteSettings.templates`)."""

    def link(self, page: str, target: str) -> str:
        """The relative URL of ``target`` (a generated or hand-written file) on ``page``."""
        return rel(page, target, self.settings.directory_urls)

    def depth(self, page: str) -> int:
        return page_url(page, self.settings.directory_urls).count("/")

    def up(self, page: str) -> str:
        """The relative URL of the site's root on ``page`` without its ``./``: ``../../``
        (the start of every link :meth:`link` makes on it)."""
        return _up(page, self.settings.directory_urls)


class _Escaped:
    """Paper id -> one text field of the paper (title or abstract) as HTML, made when first
    asked for: a build that renders a few pages of a large feed makes only what they show.
    Formulas become MathML, text-mode LaTeX what it means (:func:`.math.html`). Kept in
    the least memory (:class:`~generator.escape.Kept`: most abstracts need no escaping)."""

    def __init__(self, papers: dict[str, Paper], name: str) -> None:
        self.papers = papers
        self.name = name
        self.kept: Kept[str] = Kept()

    def __getitem__(self, paper_id: str) -> HTML:
        value = self.kept.get(paper_id)
        if value is None:
            source = getattr(self.papers[paper_id], self.name)
            value = self.kept.put(paper_id, math_html(source), source)
        return value


TEASER_CHARS = 200
"""At most this much of the abstract is the teaser (cut at a word); the style sheet shows
two lines of it."""


def teaser(abstract: str, limit: int = TEASER_CHARS, *, cleaned: bool = False) -> str:
    """The start of ``abstract`` (plain text): all of it when short, else cut before the
    word that would pass ``limit`` characters, with an ellipsis. ``cleaned``: ``abstract``
    is cleaned already (cleaning a long text again costs microseconds)."""
    if not cleaned:
        abstract = clean(abstract)
    if len(abstract) <= limit:
        return abstract
    cut = abstract.rfind(" ", 0, limit + 1)
    return abstract[: cut if cut > 0 else limit].rstrip(" ,;:.") + "…"


def make_context(
    feed: Feed,
    taxonomy: Taxonomy,
    classes: Classification,
    settings: SiteSettings,
    memo: MutableMapping[str, str] | None = None,
) -> Context:
    tag_names = {t.slug: t.name for t in taxonomy.tags}
    for tags in classes.tags.values():
        for slug in tags:
            tag_names.setdefault(slug, slug)
    topic_names = {t.slug: t.name for t in taxonomy.topics}
    topic_papers: dict[str, list[Paper]] = {t.slug: [] for t in taxonomy.topics}
    tag_papers: dict[str, list[Paper]] = {}
    for paper in feed.papers:  # newest first, so every list is too
        for slug in classes.topics.get(paper.id, ()):
            topic_papers.setdefault(slug, []).append(paper)
        for slug in classes.tags.get(paper.id, ()):
            tag_papers.setdefault(slug, []).append(paper)
    papers = feed.by_id()
    return Context(
        feed=feed,
        taxonomy=taxonomy,
        classes=classes,
        settings=settings,
        papers=papers,
        topic_names=topic_names,
        tag_names=tag_names,
        titles=_Escaped(papers, "title"),
        abstracts=_Escaped(papers, "abstract"),
        topic_html={slug: text(name) for slug, name in topic_names.items()},
        tag_html={slug: text(name) for slug, name in tag_names.items()},
        topic_papers=topic_papers,
        tag_papers=dict(sorted(tag_papers.items())),
        memo=memo,
        base=page_base(settings, taxonomy) if memo is not None else "",
        paper_keys=_PaperKeys(papers, classes),
        templates=settings.templates or default_templates(),
    )


def page_base(settings: SiteSettings, taxonomy: Taxonomy) -> str:
    """A hash of what a memoised page (:func:`page_content`) may read besides its own
    inputs: the link style, the taxonomy (names, descriptions, rules) and the templates
    (paperfeed's and the ``custom_dir``'s files). Not the other settings: the site's name
    and URL, the feed size and the hand-written pages are read only by pages made on every
    build (home, feeds); nor the taxonomy's file name."""
    templates = settings.templates or default_templates()
    return key(
        repr(settings.directory_urls),
        repr(replace(taxonomy, source="")),
        templates.fingerprint,
    )


_SOURCES = ", sources="
"""Where the last field of a paper's ``repr`` starts (checked by a test)."""


class _PaperKeys(dict[str, str]):
    """Paper id -> a hash of everything a page may read of the paper: every field but
    ``sources`` (the files and lines it was read from: no page shows them, and an entry
    inserted above it in a digest must not count as a change), its topics and its tags.
    Made when first asked for (a listing part looks up 30 papers: a dict lookup each)."""

    def __init__(self, papers: dict[str, Paper], classes: Classification) -> None:
        super().__init__()
        self.papers = papers
        self.classes = classes

    def __missing__(self, paper_id: str) -> str:
        shown = repr(self.papers[paper_id])
        shown = shown[: shown.rindex(_SOURCES)]
        topics = self.classes.topics.get(paper_id, ())
        tags = self.classes.tags.get(paper_id, ())
        value = self[paper_id] = key(shown, repr(topics), repr(tags))
        return value


def page_content(
    ctx: Context, inputs: Callable[[], list[str]], render: Callable[[], str]
) -> Content:
    """The page ``render`` makes, which reads what :func:`page_base` covers and
    ``inputs()``, nothing else (text, or ``ctx.paper_keys`` for each paper it shows).

    Without a memo: the rendered text. With one: a :class:`Known` content. When an earlier
    build rendered a page from the same inputs, its hash comes from the memo and the page
    is rendered only if the writer asks for its bytes (its copy of the page is missing
    or different); otherwise the page is rendered now and its hash put in the memo.
    """
    if ctx.memo is None:
        return render()
    fingerprint = key(ctx.base, repr(inputs()))  # repr: one string, unambiguous
    digest = ctx.memo.get(fingerprint)
    if digest is not None:
        return Known(digest, partial(_render_again, render, digest))
    data = render().encode("utf-8")
    digest = ctx.memo[fingerprint] = file_digest(data)
    return Known(digest, partial(_bytes, data))


def _bytes(data: bytes) -> bytes:
    return data


def _render_again(render: Callable[[], str], digest: str) -> bytes:
    data = render().encode("utf-8")
    if file_digest(data) != digest:  # a page read something its inputs did not name
        raise RuntimeError(
            "paperfeed: a page differs from the one rendered from the same inputs before. "
            "This is a bug (please report it); delete the build cache folder (cache_dir, "
            "by default .cache/plugin/paperfeed) to build again."
        )
    return data


# Paths of generated pages (relative to the docs folder).
def paper_path(paper: Paper) -> str:
    return f"papers/{paper.slug}.md"


def listing_path(kind: str, slug: str, part: int = 0) -> str:
    """``topics/<slug>/index.md`` (the newest papers) or ``topics/<slug>/page-N.md``
    (see :func:`generator.render.listing.parts_of`)."""
    return f"{kind}/{slug}/index.md" if part == 0 else f"{kind}/{slug}/page-{part}.md"


def topic_feed_path(slug: str) -> str:
    """The Atom feed of a topic's newest papers."""
    return f"topics/{slug}/feed.xml"


def topic_bibtex_path(slug: str) -> str:
    """BibTeX of every paper of a topic, for reference managers."""
    return f"topics/{slug}/papers.bib"


def digest_path(slug: str, part: int = 0) -> str:
    """``archive/<slug>.md`` (a digest's first page) or ``archive/<slug>/page-N.md``."""
    return f"archive/{slug}.md" if part == 0 else f"archive/{slug}/page-{part}.md"


PAPERS_INDEX = "papers/index.md"
"""The list of every paper; its later parts are ``papers/page-N.md`` (no paper's page:
:data:`generator.feed.RESERVED_SLUGS`)."""


@cache
def page_url(path: str, directory_urls: bool = True) -> str:
    """The URL MkDocs gives the file at ``path`` (docs-relative), relative to the site root:
    ``papers/x.md`` -> ``papers/x/`` (or ``papers/x.html``), ``topics/index.md`` ->
    ``topics/``, ``index.md`` -> ``""``; other files keep their path."""
    if not path.endswith(".md"):
        return path
    stem = path[:-3]
    if not directory_urls:
        return stem + ".html"
    if stem == "index":
        return ""
    if stem.endswith("/index"):
        return stem[:-5]
    return stem + "/"


def rel(from_page: str, to_file: str, directory_urls: bool = True) -> str:
    """The relative URL of one file from the page built from another.

    Always climbs to the site root first (``../../papers/x/``), so the text of a
    link depends only on the depth of the page it is on: listings reuse the
    rendered items of a paper on every page of the same depth.
    """
    return (_up(from_page, directory_urls) + page_url(to_file, directory_urls)) or "./"


@cache
def _up(page: str, directory_urls: bool) -> str:
    return "../" * page_url(page, directory_urls).count("/")


def front_matter(
    title: str, *, description: str = "", feed: str = "", searched: bool = True
) -> str:
    """The page's front matter. ``description`` (plain text) is its meta description;
    ``feed`` the relative URL of an Atom feed of its own (a topic's), linked from its head
    by ``generator/theme_head/main.html``. Generated pages have no table of contents (their
    headings are few and in raw HTML). ``searched=False`` keeps the page out of the
    search index (both Material's and Pagefind's): listings repeat what the paper
    pages hold."""
    lines = ["---", front_matter_title(title)]
    if description:
        lines.append(front_matter_text("description", description))
    if feed:
        lines.append(front_matter_text("feed", feed))
    lines += ["hide:", "  - toc"]
    if not searched:
        lines += ["search:", "  exclude: true"]
    lines.append("---")
    return "\n".join(lines) + "\n\n"


BLOCKS = HTML("\n\n")
"""What separates the HTML blocks of a page: a blank line."""

SKIP_ID = "__skip"
"""Where the theme's "Skip to content" link of a generated page leads: the start of its
content (:class:`generator.mkdocs_boundary.GeneratedPage` gives the page a table of
contents of this one place, which the theme links; Zensical's name for it)."""
SKIP_TARGET = HTML('<div id="__skip"></div>')
assert SKIP_ID in SKIP_TARGET


def page_text(meta: str, blocks: Iterable[HTML]) -> str:
    """A page: front matter (YAML), then the HTML blocks separated by blank lines, the
    first the place the "Skip to content" link leads to."""
    return meta + str(BLOCKS.join([SKIP_TARGET, *(b for b in blocks if b)])) + "\n"


def heading(level: int, label: str | HTML, anchor: str, *, searched: bool = True) -> HTML:
    """A section heading with an id and a permalink, as Python-Markdown's ``toc`` writes
    them. ``label`` is text or HTML; ``anchor`` is a fixed ASCII word."""
    template = _HEADING_2 if level == 2 else _HEADING_3
    extra = NO_HTML if searched else _UNSEARCHED_ATTRIBUTE
    return template.format(anchor, extra, label, anchor)


_HEADING_2 = HTML(
    '<h2 id="{}"{}>{}<a class="headerlink" href="#{}" title="Permanent link">&para;</a></h2>'
)
_HEADING_3 = HTML(
    '<h3 id="{}"{}>{}<a class="headerlink" href="#{}" title="Permanent link">&para;</a></h3>'
)
_UNSEARCHED_ATTRIBUTE = HTML(" data-search-exclude")
_LABELLED = HTML("{}: {}")


def link_list(links: Sequence[Link]) -> HTML:
    """Inline list of a paper's links, code first."""
    order = {"code": 0, "project": 1, "other": 2}
    return DOT.join(
        _LABELLED.format(LINK_LABELS[link.kind], external_link(link.url, _short_url(link.url)))
        for link in sorted(links, key=lambda lk: (order[lk.kind], lk.url))
    )


def paper_links(ctx: Context, paper: Paper) -> HTML:
    """:func:`link_list` of a paper's links, made once per build."""
    cached = ctx.links.get(paper.id)
    if cached is None:
        cached = ctx.links[paper.id] = link_list(paper.links)
    return cached


def _short_url(url: str) -> str:
    for prefix in ("https://", "http://", "mailto:"):
        if url.startswith(prefix):
            url = url[len(prefix) :]
            break
    return url.removeprefix("www.").rstrip("/")


_TAG_LINK = HTML('<a href="{}">#{}</a>')
_TOPIC_LINK = HTML('<a href="{}">{}</a>')
_SPACE = HTML(" ")


def tag_links(ctx: Context, up: str, tags: Sequence[str]) -> HTML:
    """Links to the pages of ``tags``, on a page whose root is at ``up``
    (:meth:`Context.up`)."""
    return _listing_links(ctx, up, "tags", tags, ctx.tag_html, _TAG_LINK, _SPACE)


def topic_links(ctx: Context, up: str, topics: Sequence[str]) -> HTML:
    """Links to the pages of ``topics``, on a page whose root is at ``up``."""
    return _listing_links(ctx, up, "topics", topics, ctx.topic_html, _TOPIC_LINK, DOT)


def _listing_links(
    ctx: Context,
    up: str,
    kind: str,
    slugs: Sequence[str],
    names: dict[str, HTML],
    link: HTML,
    separator: HTML,
) -> HTML:
    """Links to the listing pages of ``slugs``, rendered once per depth and set of slugs.
    ``up`` is what a link to the root starts with: ``../../``, or an :class:`HTML`
    placeholder put in its place later (:data:`generator.render.items.ROOT`)."""
    key = (kind, up, tuple(slugs))
    cached = ctx.fragments.get(key)
    if cached is None:
        urls = ctx.settings.directory_urls
        cached = ctx.fragments[key] = separator.join(
            link.format(up + page_url(listing_path(kind, slug), urls), names.get(slug) or slug)
            for slug in slugs
        )
    return cached


_ARXIV_LINK = HTML("arXiv: {}")


def arxiv_links(paper: Paper) -> list[HTML]:
    """A listing's links to the paper on arXiv: its abstract page and its PDF."""
    if not paper.arxiv_id:
        return []
    return [
        _ARXIV_LINK.format(external_link(abs_url(paper.arxiv_id), paper.arxiv_id)),
        external_link(pdf_url(paper) or "", "PDF"),
    ]


def _number(n: int, word: str) -> str:
    return f"{n:,} {word}" if n == 1 else f"{n:,} {word}s"


def paper_counts(paper: Paper) -> list[str]:
    """What readers made of the paper, where the source says: upvotes, comments, stars."""
    counts = []
    if paper.upvotes is not None:
        counts.append(_number(paper.upvotes, "upvote"))
    if paper.comments is not None:
        counts.append(_number(paper.comments, "comment"))
    if paper.stars is not None:
        counts.append(_number(paper.stars, "star") + " on its code")
    return counts


_TEXT_BLOCK = HTML('<div class="{}"><p>{}</p></div>')


def text_block(value: str | HTML, css_class: str) -> HTML:
    """Long text as an HTML block (escaped unless it is HTML already)."""
    return _TEXT_BLOCK.format(css_class, value)
