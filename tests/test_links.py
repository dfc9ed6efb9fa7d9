"""Links: finding, cleaning and classifying URLs in abstracts."""

from __future__ import annotations

from pathlib import Path

import pytest

from generator.links import classify_url, clean_url, extract_links, safe_url
from generator.model import Link

SAMPLE = Path("/work/shared/sample/hf-papers-2025-03-14.txt")
if not SAMPLE.exists():  # the same file ships as the default feed
    SAMPLE = Path(__file__).parents[1] / "digests" / "2025-03-14-hf-papers.txt"


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("https://github.com/AuroraLHL/OptMATH.", "https://github.com/AuroraLHL/OptMATH"),
        (
            "https://github.com/AngusDujw/Diversity-Driven-Synthesis."
            "https://github.com/AngusDujw/Diversity-Driven-Synthesis.",
            "https://github.com/AngusDujw/Diversity-Driven-Synthesis",
        ),
        (
            "https://github.com/Facico/Dynamic-Logit-Fusion.)",
            "https://github.com/Facico/Dynamic-Logit-Fusion",
        ),
        (
            "https://github.com/selfsupervised-ai/Natural-GaLore.git",
            "https://github.com/selfsupervised-ai/Natural-GaLore",
        ),
        ("https://github.com/x/y.git/", "https://github.com/x/y"),
        (
            "https://github.com/MoE-Inf/awesome-moe-inference/.",
            "https://github.com/MoE-Inf/awesome-moe-inference",
        ),
        (
            "https://anonymous.4open.science/r/DV4LLM-D761/",
            "https://anonymous.4open.science/r/DV4LLM-D761",
        ),
        ("https://step-law.github.io/", "https://step-law.github.io/"),
        (
            "https://google-research.github.io/seanet/musiclm/diverse_music/.",
            "https://google-research.github.io/seanet/musiclm/diverse_music/",
        ),
        ("https://en.wikipedia.org/wiki/Foo_(bar)", "https://en.wikipedia.org/wiki/Foo_(bar)"),
        ("https://en.wikipedia.org/wiki/Foo_(bar))", "https://en.wikipedia.org/wiki/Foo_(bar)"),
        ("https://example.com/a]", "https://example.com/a"),
        ("https://example.com/a}", "https://example.com/a"),
        ("https://example.com/x?!'\",;:", "https://example.com/x"),
        ("HTTPS://Example.COM/Path", "https://example.com/Path"),
        ("https://example.com/q?a=1&b=2", "https://example.com/q?a=1&b=2"),
        ("https://github.com/x/y/?tab=readme", "https://github.com/x/y/?tab=readme"),
    ],
)
def test_clean_url(raw: str, expected: str) -> None:
    assert clean_url(raw) == expected


@pytest.mark.parametrize(
    "raw",
    [
        "",
        "ftp://example.com/x",
        "javascript:alert(1)",
        "https://",
        "https://.",
        "https://[",
        "https://a b.com",
        "https://x.com:99999/",
    ],
)
def test_clean_url_rejects(raw: str) -> None:
    assert clean_url(raw) is None


@pytest.mark.parametrize(
    ("url", "kind"),
    [
        ("https://github.com/x/y", "code"),
        ("https://www.github.com/x/y/tree/main/src", "code"),
        ("https://gitlab.com/group/project", "code"),
        ("https://bitbucket.org/a/b", "code"),
        ("https://codeberg.org/a/b", "code"),
        ("https://git.sr.ht/~a/b", "code"),
        ("https://anonymous.4open.science/r/DV4LLM-D761", "code"),
        ("https://github.com/someone", "project"),
        ("https://step-law.github.io/", "project"),
        ("https://huggingface.co/spaces/a/b", "project"),
        ("https://huggingface.co/papers/2503.01234", "other"),
        ("https://arxiv.org/abs/2503.01234", "other"),
        ("https://export.arxiv.org/abs/2503.01234", "other"),
        ("https://doi.org/10.1000/182", "other"),
        ("https://openreview.net/forum?id=x", "other"),
        ("https://example.com/", "project"),
    ],
)
def test_classify_url(url: str, kind: str) -> None:
    assert classify_url(url) == kind


@pytest.mark.parametrize(
    ("url", "ok"),
    [
        ("https://example.com/x", True),
        ("http://example.com", True),
        ("mailto:someone@example.com", True),
        ("HTTPS://example.com", True),
        ("javascript:alert(1)", False),
        ("JavaScript:alert(1)", False),
        ("data:text/html,<script>", False),
        ("https:example.com", False),
        ("https://exa mple.com", False),
        ("https://example.com/\x00", False),
        ("https://example.com/\u202e", False),
        ("//example.com", False),
        ("", False),
    ],
)
def test_safe_url(url: str, ok: bool) -> None:
    assert safe_url(url) == (url if ok else None)


def test_extract_links_dedupes_in_order() -> None:
    text = (
        "See https://b.example.org/x, then (https://github.com/a/b.git). "
        "Again https://github.com/a/b/ and https://b.example.org/x."
    )
    assert extract_links(text) == (
        Link("https://b.example.org/x", "project"),
        Link("https://github.com/a/b", "code"),
    )


def test_extract_links_stops_at_non_ascii_and_markup() -> None:
    text = '代码见https://github.com/a/b。 <a href="https://x.example/p">x</a> [t](https://y.example/q)'
    assert [link.url for link in extract_links(text)] == [
        "https://github.com/a/b",
        "https://x.example/p",
        "https://y.example/q",
    ]


def test_extract_links_none() -> None:
    assert extract_links("no links, just http and https words and ftp://x.org") == ()


def test_sample_links() -> None:
    urls = [link.url for link in extract_links(SAMPLE.read_text(encoding="utf-8"))]
    assert len(urls) == 22
    assert urls[:3] == [
        "https://step-law.github.io/",
        "https://google-research.github.io/seanet/musiclm/diverse_music/",
        "https://anonymous.4open.science/r/DV4LLM-D761",
    ]
    assert urls.count("https://github.com/AngusDujw/Diversity-Driven-Synthesis") == 1
    assert "https://github.com/Facico/Dynamic-Logit-Fusion" in urls
    assert "https://github.com/selfsupervised-ai/Natural-GaLore" in urls
    assert all(not u.endswith((".", ")", ".git")) for u in urls)
