"""Time related_papers (and classify) on synthetic feeds of 1k, 10k and 100k papers.

    python bench/related_timing.py            # 1000 10000 100000
    python bench/related_timing.py 5000 50000

Papers are built from a made-up vocabulary with Zipf-like word frequencies:
real English stop words at the head, then invented words. Each paper belongs to
one of many hidden "subjects" that prefer their own few hundred words, the way
real papers on one subject share a vocabulary. Also reports the peak memory
(``ru_maxrss``) so the < 1 GB target can be checked.
"""

from __future__ import annotations

import datetime as dt
import itertools
import random
import resource
import sys
import time
from collections.abc import Callable
from pathlib import Path

from generator.classify import classify_tags, classify_topics
from generator.model import Appearance, Paper
from generator.related import STOP_WORDS, related_papers
from generator.taxonomy import load_taxonomy

SEED = 20250314
VOCABULARY = 40_000
SUBJECTS = 800
SUBJECT_WORDS = 300
ABSTRACT_WORDS = (120, 260)
TITLE_WORDS = (6, 14)
TAXONOMY = Path(__file__).resolve().parent.parent / "generator" / "default_taxonomy.yml"


def _words(rng: random.Random) -> list[str]:
    syllables = [c + v for c in "bcdfghjklmnprstvwz" for v in ("a", "e", "i", "o", "u", "ai")]
    head = [*sorted(STOP_WORDS), "model", "language", "learning", "training", "data", "large"]
    made: set[str] = set(head)
    words = list(head)
    while len(words) < VOCABULARY:
        word = "".join(rng.choices(syllables, k=rng.randint(2, 4)))
        if word not in made:
            made.add(word)
            words.append(word)
    return words


def synthetic_papers(n: int, seed: int = SEED) -> list[Paper]:
    rng = random.Random(seed)
    words = _words(rng)
    zipf = list(itertools.accumulate(1.0 / (rank + 1) for rank in range(len(words))))
    subjects = [rng.sample(words[200:], SUBJECT_WORDS) for _ in range(SUBJECTS)]
    subject_zipf = list(itertools.accumulate(1.0 / (r + 1) for r in range(SUBJECT_WORDS)))
    day = dt.date(2025, 3, 14)
    papers = []
    for i in range(n):
        own = subjects[rng.randrange(SUBJECTS)]

        def text(length: int, share: float, own: list[str] = own) -> str:
            mine = round(length * share)
            chosen = rng.choices(own, cum_weights=subject_zipf, k=mine)
            chosen += rng.choices(words, cum_weights=zipf, k=length - mine)
            rng.shuffle(chosen)
            return " ".join(chosen)

        title = text(rng.randint(*TITLE_WORDS), 0.7).capitalize()
        abstract = text(rng.randint(*ABSTRACT_WORDS), 0.35).capitalize() + "."
        pid = f"2503.{i:05d}"
        papers.append(
            Paper(
                id=pid,
                slug=pid,
                title=title,
                abstract=abstract,
                appearances=(Appearance(day, "bench", i + 1),),
            )
        )
    return papers


def _timed(label: str, run: Callable[..., object], *args: object) -> None:
    start, cpu = time.perf_counter(), time.process_time()
    run(*args)
    wall, cpu = time.perf_counter() - start, time.process_time() - cpu
    print(f"  {label:<16} {wall:7.2f} s  (cpu {cpu:.2f} s)", flush=True)


def main(argv: list[str]) -> None:
    sizes = [int(a) for a in argv] or [1_000, 10_000, 100_000]
    taxonomy = load_taxonomy(TAXONOMY)
    for n in sizes:
        start = time.perf_counter()
        papers = synthetic_papers(n)
        print(f"{n} papers (generated in {time.perf_counter() - start:.1f} s)")
        _timed("related_papers", related_papers, papers)
        _timed("classify_topics", classify_topics, papers, taxonomy)
        _timed("classify_tags", classify_tags, papers, taxonomy)
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(f"  peak memory so far {peak:7.0f} MB")


if __name__ == "__main__":
    main(sys.argv[1:])
