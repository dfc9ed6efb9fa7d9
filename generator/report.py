"""``paperfeed report``: what the curator should look at, in the terminal or in Markdown.

For the whole feed: the papers and share of each topic, the topics above
:data:`CROWDED` of the feed, the average number of topics a paper has (a sub-topic and
its parent counting as one), the papers in the catch-all, the tags used once, the rules
(keywords) that matched no paper, the examples that are not in the feed and the
near-duplicate titles. For one paper (``--paper``): which rules, examples or other
sources gave it each topic and tag, with their scores. Pure: from a generated build to
lines of text.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from generator.classify import (
    Scored,
    _compile,
    example_key,
    explain,
    nearest_topics,
    paper_example_keys,
)
from generator.classify import _rules as rule_topics
from generator.curation import Edit
from generator.errors import UsageError
from generator.ids import arxiv_id, normalize_title
from generator.model import Feed, Paper, Taxonomy
from generator.pipeline import Generated
from generator.related import STOP_WORDS, term_vectors
from generator.taxonomy import CODE_TAG, ancestors

CROWDED = 0.25
"""A topic holding more than this share of the papers is named."""
NEAR = 0.8
"""Two titles sharing at least this share of their words (Jaccard) are near-duplicates."""

_WORD = re.compile(r"\w+")


@dataclass(frozen=True)
class Section:
    """A heading and its rows; a row of several cells is a table row."""

    title: str
    rows: tuple[tuple[str, ...], ...]
    header: tuple[str, ...] = ()
    empty: str = "none"


def _share(n: int, total: int) -> str:
    return f"{100 * n / total:.1f}%" if total else "0.0%"


def own_topics(topics: Sequence[str], taxonomy: Taxonomy) -> int:
    """How many topics a paper has, a parent listed with its sub-topic not counted."""
    parents = {a for slug in topics for a in ancestors(taxonomy, slug)}
    return sum(1 for slug in topics if slug not in parents)


def feed_report(generated: Generated) -> list[Section]:
    """The sections of the report on the whole feed."""
    feed, taxonomy, classes = generated.feed, generated.taxonomy, generated.classes
    total = len(feed.papers)
    counts = Counter(slug for p in feed.papers for slug in classes.topics.get(p.id, ()))
    rows = []
    for topic in taxonomy.topics:
        if counts[topic.slug]:
            depth = len(ancestors(taxonomy, topic.slug))
            name = "  " * depth + topic.name
            rows.append(
                (name, topic.slug, str(counts[topic.slug]), _share(counts[topic.slug], total))
            )
    average = (
        sum(own_topics(classes.topics.get(p.id, ()), taxonomy) for p in feed.papers) / total
        if total
        else 0.0
    )
    largest = max(counts.values(), default=0)
    crowded = [
        (t.slug, str(counts[t.slug]), _share(counts[t.slug], total))
        for t in taxonomy.topics
        if total and counts[t.slug] > CROWDED * total
    ]
    summary = (
        ("papers", str(total)),
        ("papers hidden by the curation", str(generated.accounting.hidden)),
        ("topics with papers", str(len(rows))),
        ("topics per paper (a sub-topic and its parent count as one)", f"{average:.2f}"),
        ("largest topic's share", _share(largest, total)),
        (
            "papers with a primary topic",
            str(sum(1 for p in feed.papers if classes.topics.get(p.id))),
        ),
        ("papers in the catch-all", str(counts[taxonomy.catch_all])),
    )
    catch_all = [
        (p.id, p.title)
        for p in feed.papers
        if classes.topics.get(p.id, ())[:1] == (taxonomy.catch_all,)
    ]
    tag_counts = Counter(slug for p in feed.papers for slug in classes.tags.get(p.id, ()))
    once = [
        (slug, next(p.id for p in feed.papers if slug in classes.tags.get(p.id, ())))
        for slug, n in sorted(tag_counts.items())
        if n == 1
    ]
    return [
        Section("Summary", summary),
        Section("Papers per topic", tuple(rows), ("topic", "slug", "papers", "share")),
        Section(
            f"Topics above {CROWDED:.0%} of the feed", tuple(crowded), ("topic", "papers", "share")
        ),
        Section(
            f"Papers in the catch-all ({taxonomy.catch_all})", tuple(catch_all), ("id", "title")
        ),
        Section("Tags used once", tuple(once), ("tag", "paper")),
        Section(
            "Rules that never matched",
            tuple(unmatched_rules(feed.papers, taxonomy)),
            ("kind", "slug", "keyword"),
        ),
        Section(
            "Examples not in the feed",
            tuple(missing_examples(feed, taxonomy)),
            ("topic", "example"),
        ),
        Section(
            "Near-duplicate titles", tuple(near_duplicates(feed.papers)), ("id", "id", "titles")
        ),
    ]


def unmatched_rules(papers: Iterable[Paper], taxonomy: Taxonomy) -> list[tuple[str, str, str]]:
    """(topic or tag, slug, keyword) of every keyword no paper matched."""
    matched: set[tuple[str, str, str]] = set()
    for paper in papers:
        topics, tags = explain(paper, taxonomy)
        for kind, scored in (("topic", topics), ("tag", tags)):
            for item in scored:
                matched.update((kind, item.slug, hit.rule) for hit in item.hits)
    compiled = _compile(taxonomy)
    result: list[tuple[str, str, str]] = []
    groups = (
        ("topic", [(t.slug, t.keywords) for t in taxonomy.topics], compiled.topics),
        ("tag", [(t.slug, t.keywords) for t in taxonomy.tags], compiled.tags),
    )
    for kind, members, matcher in groups:
        for n, (slug, keywords) in enumerate(members):
            counted = {k for k, g in zip(matcher.keywords, matcher.owner, strict=True) if g == n}
            for keyword in keywords:
                if keyword not in counted:
                    result.append((kind, slug, f"{keyword} (repeats another keyword)"))
                elif (kind, slug, keyword) not in matched:
                    result.append((kind, slug, keyword))
    return result


def missing_examples(feed: Feed, taxonomy: Taxonomy) -> list[tuple[str, str]]:
    """(topic, example) of every example that names no paper of the feed."""
    known = {name for p in feed.papers for name in paper_example_keys(p)}
    return [
        (topic.slug, example)
        for topic in taxonomy.topics
        for example in topic.examples
        if example_key(example) not in known
    ]


def _title_words(title: str) -> frozenset[str]:
    words = _WORD.findall(normalize_title(title))
    return frozenset(w for w in words if w not in STOP_WORDS) or frozenset(words)


def near_duplicates(papers: Sequence[Paper]) -> list[tuple[str, str, str]]:
    """Pairs of papers whose titles share at least :data:`NEAR` of their words: the same
    paper read twice under two spellings, probably. Compared only with papers that share
    one of their two rarest words, so the work stays near-linear."""
    words = [_title_words(p.title) for p in papers]
    frequency = Counter(w for ws in words for w in ws)
    index: dict[str, list[int]] = {}
    for i, ws in enumerate(words):
        for w in sorted(ws, key=lambda w: (frequency[w], w))[:2]:
            index.setdefault(w, []).append(i)
    pairs: set[tuple[int, int]] = set()
    for i, ws in enumerate(words):
        for w in sorted(ws, key=lambda w: (frequency[w], w))[:2]:
            for j in index.get(w, ()):
                if j > i and (i, j) not in pairs:
                    both, either = len(ws & words[j]), len(ws | words[j])
                    if either and both >= NEAR * either:
                        pairs.add((i, j))
    return [
        (papers[i].id, papers[j].id, f"{papers[i].title} | {papers[j].title}")
        for i, j in sorted(pairs)
    ]


def find_paper(papers: Sequence[Paper], name: str) -> Paper | None:
    """The paper of ``papers`` that ``name`` means: its id, arXiv id, page slug or title;
    UsageError when it is the title of several (each named by its id, which is unique)."""
    found = arxiv_id(name)
    title = normalize_title(name)
    for paper in papers:
        if name in (paper.id, paper.slug) or (found and paper.arxiv_id == found):
            return paper
    same = [p for p in papers if normalize_title(p.title) == title]
    if len(same) > 1:
        ids = ", ".join(p.id for p in same)
        raise UsageError(
            f"--paper {name!r}: the title of {len(same)} papers ({ids}): name one by its id"
        )
    return same[0] if same else None


def paper_report(generated: Generated, paper: Paper) -> list[Section]:
    """Which rules, examples and other sources gave ``paper`` each of its topics and tags
    (a paper the curation hid: where it says so)."""
    if paper.id in generated.curation.hidden:
        where = _Curated.of(generated, paper).where("hide")
        hidden = (("id", paper.id), ("title", paper.title), ("hidden", f"by {where}: no page"))
        return [Section("Paper", hidden)]
    feed, taxonomy, classes = generated.feed, generated.taxonomy, generated.classes
    topics, tags = explain(paper, taxonomy)
    decided, _ = rule_topics([paper], taxonomy, None)
    nearest: dict[str, tuple[str, float]] = {}
    if not decided[paper.id]:
        everything, _ = rule_topics(feed.papers, taxonomy, None)
        nearest = nearest_topics(feed.papers, everything, taxonomy, term_vectors(feed.papers))
    final = classes.topics.get(paper.id, ())
    curated = _Curated.of(generated, paper)
    topic_rows = []
    for n, slug in enumerate(final):
        role = "primary" if n == 0 else "also"
        why = _why_topic(slug, paper, final, topics, nearest, taxonomy, curated)
        topic_rows.append((slug, role, why))
    topic_rows += [
        (s.slug, "not given", curated.taken(s, "topics")) for s in topics if s.slug not in final
    ]
    given_tags = classes.tags.get(paper.id, ())
    tag_rows = [
        (slug, "given", _why_tag(slug, paper, tags) or curated.where("add_tags"))
        for slug in given_tags
    ]
    tag_rows += [
        (s.slug, "not given", curated.taken(s, "tags")) for s in tags if s.slug not in given_tags
    ]
    facts = (
        ("id", paper.id),
        ("title", paper.title),
        ("page", f"papers/{paper.slug}.md"),
        (
            "settings",
            f"min_score {taxonomy.min_score:g}, margin {taxonomy.margin:g}, "
            f"max_topics {taxonomy.max_topics}, title_weight {taxonomy.title_weight:g}",
        ),
    )
    return [
        Section("Paper", facts),
        Section("Topics", tuple(topic_rows), ("topic", "", "why (score: evidence)")),
        Section("Tags", tuple(tag_rows), ("tag", "", "why (score: evidence)")),
    ]


def _evidence(scored: Scored) -> str:
    hits = ", ".join(
        f"{h.rule!r} in the {h.where}"
        + (f" x{h.mentions}" if h.mentions > 1 else "")
        + (f" ({h.score:g})" if h.where != "taxonomy" else "")
        for h in scored.hits
    )
    return f"{scored.score:g}: {hits}"


def _why_topic(
    slug: str,
    paper: Paper,
    final: Sequence[str],
    scored: Sequence[Scored],
    nearest: dict[str, tuple[str, float]],
    taxonomy: Taxonomy,
    curated: _Curated,
) -> str:
    reasons = []
    if slug in paper.extra_topics:
        reasons.append("given by the digest")
    found = next((s for s in scored if s.slug == slug), None)
    if found is not None:
        reasons.append(_evidence(found))
    if nearest.get(paper.id, ("", 0.0))[0] == slug:
        reasons.append(f"nearest centroid, cosine similarity {nearest[paper.id][1]:.3f}")
    children = [c for c in final if slug in ancestors(taxonomy, c)]
    if children:
        reasons.append("parent of " + ", ".join(children))
    if not reasons and slug == taxonomy.catch_all:
        reasons.append("catch-all: no rule, example or centroid decided")
    return "; ".join(reasons) or curated.where("add_topics", "primary", "topics")


@dataclass(frozen=True)
class _Curated:
    """What the curation file said of one paper, for the report's reasons."""

    source: str
    edit: Edit | None

    @classmethod
    def of(cls, generated: Generated, paper: Paper) -> _Curated:
        return cls(generated.curation.source, generated.curation.edits.get(paper.id))

    def where(self, *fields: str) -> str:
        """``curation.yml:N`` of the first of ``fields`` the entry has (the entry's line)."""
        if self.edit is None:
            return "curation.yml"
        line = next((self.edit.lines[f] for f in fields if f in self.edit.lines), self.edit.line)
        return f"{self.source}:{line}"

    def taken(self, scored: Scored, kind: str) -> str:
        """Why a topic or tag the rules scored is not given: its evidence, and the entry
        that took it away, if one did."""
        evidence = _evidence(scored)
        edit = self.edit
        if edit is None:
            return evidence
        if scored.slug in (edit.remove_topics if kind == "topics" else edit.remove_tags):
            return f"taken away by {self.where('remove_' + kind)}; {evidence}"
        if kind == "topics" and edit.topics is not None:
            return f"not in the topics of {self.where('topics')}; {evidence}"
        return evidence


def _why_tag(slug: str, paper: Paper, scored: Sequence[Scored]) -> str:
    reasons = []
    if slug in paper.extra_tags:
        reasons.append("given by the digest")
    found = next((s for s in scored if s.slug == slug), None)
    if found is not None:
        reasons.append(_evidence(found))
    if slug == CODE_TAG and any(link.kind == "code" for link in paper.links):
        reasons.append("the paper links a code repository")
    return "; ".join(reasons)


def text_lines(sections: Iterable[Section]) -> list[str]:
    """The report for a terminal: a heading per section, aligned columns."""
    out: list[str] = []
    for section in sections:
        out += [section.title, "-" * len(section.title)]
        if not section.rows:
            out += [f"  {section.empty}", ""]
            continue
        width = [max(len(row[i]) for row in section.rows) for i in range(len(section.rows[0]) - 1)]
        for row in section.rows:
            cells = [cell.ljust(width[i]) for i, cell in enumerate(row[:-1])] + [row[-1]]
            out.append(("  " + "  ".join(cells)).rstrip())
        out.append("")
    return out


def _cell(text: str) -> str:
    return text.replace("\\", "\\\\").replace("|", "\\|").replace("<", "&lt;").replace("\n", " ")


def markdown_lines(sections: Iterable[Section], title: str) -> list[str]:
    """The report as Markdown: a table per section (text escaped for a table cell)."""
    out = [f"# {title}", ""]
    for section in sections:
        out += [f"## {section.title}", ""]
        if not section.rows:
            out += [section.empty.capitalize() + ".", ""]
            continue
        header = section.header or ("", "")[: len(section.rows[0])] or ("",)
        if len(header) != len(section.rows[0]):
            header = tuple("" for _ in section.rows[0])
        out.append("| " + " | ".join(_cell(h) for h in header) + " |")
        out.append("|" + "---|" * len(header))
        out += ["| " + " | ".join(_cell(c) for c in row) + " |" for row in section.rows]
        out.append("")
    return out
