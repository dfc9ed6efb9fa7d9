"""Issue 12's must-show: ``paperfeed fetch hf`` against a local server, then
``paperfeed build``: every fetched paper shows its authors, its arXiv abstract and PDF
links, its Hugging Face page, the ``citation_*`` meta tags and a BibTeX entry."""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from apiserver import ApiServer, json_reply
from project import Project, make_project

from generator.cli import main
from generator.fetch import http

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Project]:
    root = tmp_path_factory.mktemp("fetched")
    project = make_project(root)
    server = ApiServer()
    server.route(
        "/api/daily_papers?date=2025-03-14&limit=100&p=0", json_reply("hf-2025-03-14.json")
    )
    server.route(
        "/api/daily_papers?date=2025-03-15&limit=100&p=0", json_reply("hf-2025-03-15.json")
    )
    with pytest.MonkeyPatch.context() as mp, server.running():
        mp.setenv("PAPERFEED_HF_API", server.url)
        mp.setattr(http, "sleep", lambda _: None)
        for day in ("2025-03-14", "2025-03-15"):
            digests = str(project.digests)
            assert main(["fetch", "hf", "--date", day, "--digests", digests]) == 0
    assert project.build() == 0
    yield project


def _meta(page: str, name: str) -> list[str]:
    found = re.findall(rf'<meta name="{name}" content="([^"]*)">', page)
    return [html.unescape(v) for v in found]


def test_every_fetched_paper_shows_authors_links_citation_and_bibtex(site: Project) -> None:
    for arxiv_id, title, authors in [
        (
            "2503.10622",
            "Sparse Experts at Scale: Routing $k$-of-$N$ Mixtures with Load Balancing"
            " & No Auxiliary Loss",
            ["Ada Lovelace", "Émile Borel", "Grace Hopper", "Alan Turing"],
        ),
        (
            "2503.09999",
            "Experts Who Forget: Continual Learning with Mixture of Experts",
            ["Grace Hopper"],
        ),
        (
            "2503.11111",
            "Tiny Recursive Models Think Twice",
            ["Katherine Johnson", "Dorothy Vaughan"],
        ),
    ]:
        page = site.page(f"papers/arxiv-{arxiv_id.replace('.', '-')}/")
        head = page[: page.index("</head>")]
        assert _meta(head, "citation_title") == [title]
        assert _meta(head, "citation_author") == authors
        assert _meta(head, "citation_arxiv_id") == [arxiv_id]
        assert _meta(head, "citation_pdf_url") == [f"https://arxiv.org/pdf/{arxiv_id}"]
        assert len(_meta(head, "citation_publication_date")) == 1
        body = page[page.index("</head>") :]
        assert f'<a href="https://arxiv.org/abs/{arxiv_id}" rel="nofollow ugc noopener">' in body
        assert (
            f'<a href="https://arxiv.org/pdf/{arxiv_id}" rel="nofollow ugc noopener">PDF</a>'
            in body
        )
        assert f'href="https://huggingface.co/papers/{arxiv_id}"' in body
        assert "<strong>Authors:</strong> " + html.escape(", ".join(authors)) in body
        assert '<div class="pf-bibtex" id="bibtex" data-search-exclude><pre><code>@misc{' in body
        assert f"  eprint        = {{{arxiv_id}}}," in body
        assert 'data-clipboard-target="#bibtex code"' in body


def test_the_newest_counts_and_the_facts_are_shown(site: Project) -> None:
    page = site.page("papers/arxiv-2503-10622/")
    assert "Published 2025-03-13 · 97 upvotes · 5 comments · 2,048 stars on its code" in page
    # API text is data: the organisation's markup is shown, never run.
    assert "Example Lab &lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "<script>alert(1)</script>" not in page
    assert "<strong>Keywords:</strong> mixture-of-experts</p>" in page
    bib = page[page.index("@misc{") : page.index("</code></pre>")]
    assert bib == (
        "@misc{lovelace2025sparse,\n"
        "  title         = {Sparse Experts at Scale: Routing $k$-of-$N$ Mixtures with"
        " Load Balancing \\&amp; No Auxiliary Loss},\n"
        "  author        = {Lovelace, Ada and Borel, Émile and Hopper, Grace and Turing, Alan},\n"
        "  year          = {2025},\n"
        "  eprint        = {2503.10622},\n"
        "  archivePrefix = {arXiv},\n"
        "  url           = {https://arxiv.org/abs/2503.10622}\n"
        "}"
    )


def test_listings_show_three_authors_and_et_al(site: Project) -> None:
    home = site.page("")
    assert '<span class="pf-authors">Ada Lovelace, Émile Borel, Grace Hopper et al.</span>' in home
    assert '<span class="pf-authors">Katherine Johnson, Dorothy Vaughan</span>' in home


def test_listings_show_counts_and_arxiv_links(site: Project) -> None:
    home = site.page("")
    assert (
        '<span class="pf-counts">97 upvotes · 5 comments · 2,048 stars on its code</span>' in home
    )
    assert (
        'arXiv: <a href="https://arxiv.org/abs/2503.11111" rel="nofollow ugc noopener">'
        '2503.11111</a> · <a href="https://arxiv.org/pdf/2503.11111" rel="nofollow ugc noopener">'
        "PDF</a></span>" in home
    )


def test_papers_json_carries_the_metadata(site: Project) -> None:
    import json

    data = json.loads((site.site / "papers.json").read_text("utf-8"))
    paper = next(p for p in data["papers"] if p["id"] == "2503.10622")
    assert paper["authors"] == ["Ada Lovelace", "Émile Borel", "Grace Hopper", "Alan Turing"]
    assert paper["pdf"] == "https://arxiv.org/pdf/2503.10622"
    assert (paper["upvotes"], paper["comments"], paper["stars"]) == (97, 5, 2048)
    assert paper["published"] == "2025-03-13"
    assert len(paper["appearances"]) == 2


def test_hand_written_project_files_are_untouched(site: Project) -> None:
    assert sorted(p.name for p in site.digests.iterdir()) == [
        "2025-03-14-hf.yml",
        "2025-03-15-hf.yml",
    ]
    assert not (Path(site.root) / "enrichment.yml").exists()
