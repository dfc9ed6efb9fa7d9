"""Time the non-rendering steps of ``generate`` on a folder of digests, in this process.

    python bench/stages.py /tmp/synth10k                 # one run
    python bench/stages.py /tmp/synth10k --dump out.json # also write the classification

Steps: reading and parsing the digests (``load_inputs``), merging them into a feed
(``build_feed``), topics and tags (``classify_topics``/``classify_tags`` in one pass) and
related papers (``related_papers``), the last three with the cycle collector paused as
``generate`` does. Prints one JSON line: seconds per step and the peak resident memory
(``ru_maxrss``, MB) after each step. The dump holds every paper's fields, topics, tags
and related ids, so that two versions of the code can be compared.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import resource
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import generator.pipeline as pipeline  # noqa: E402
from generator.classify import _classify  # noqa: E402
from generator.feed import build_feed  # noqa: E402
from generator.related import related_papers  # noqa: E402

# What generate() runs its steps under (older versions: nothing).
PAUSED = getattr(pipeline, "_no_cycle_collection", contextlib.nullcontext)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("digests", type=Path, help="a folder of digests")
    parser.add_argument(
        "--taxonomy",
        type=Path,
        default=ROOT / "taxonomy.yml",
        help="the taxonomy to classify with (default: the project's taxonomy.yml)",
    )
    parser.add_argument("--dump", type=Path, help="write the classification as JSON")
    args = parser.parse_args()
    peak: dict[str, int] = {}

    def mark(stage: str) -> None:
        peak[stage] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)

    t0 = time.perf_counter()
    digests, taxonomy, _ = pipeline.load_inputs(args.digests, args.taxonomy)
    t1 = time.perf_counter()
    mark("parse")
    with PAUSED():
        feed = build_feed(digests)
        t2 = time.perf_counter()
        mark("feed")
        topics, tags = _classify(feed.papers, taxonomy, topics=True, tags=True)
        t3 = time.perf_counter()
        mark("topics_tags")
        related = related_papers(feed.papers)
        t4 = time.perf_counter()
        mark("related")
    print(
        json.dumps(
            {
                "papers": len(feed.papers),
                "parse": round(t1 - t0, 3),
                "feed": round(t2 - t1, 3),
                "topics_tags": round(t3 - t2, 3),
                "related": round(t4 - t3, 3),
                "total": round(t4 - t0, 3),
                "peak_mb": peak,
            }
        )
    )
    if args.dump:
        papers = [
            {
                "id": p.id,
                "slug": p.slug,
                "title": p.title,
                "abstract": p.abstract,
                "appearances": [[a.date.isoformat(), a.digest, a.position] for a in p.appearances],
                "links": [[link.url, link.kind] for link in p.links],
                "sources": p.sources,
                "topics": topics[p.id],
                "tags": tags[p.id],
                "related": related[p.id],
            }
            for p in feed.papers
        ]
        args.dump.write_text(json.dumps(papers, sort_keys=True))


if __name__ == "__main__":
    main()
