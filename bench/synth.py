"""A synthetic feed for benchmarks and scale tests: digests of made-up but realistic papers.

    python bench/synth.py --papers 10000 --out bench/out/digests [--format txt|yaml] [--seed 1]

writes one digest per day, 75 papers each, named ``YYYY-MM-DD.txt`` (or ``.yml``), on
consecutive days going back from 2025-03-14. The text format is the raw one curators paste:
a date line (``Mar 14``), then blank-line-separated pairs of a title line and an abstract
paragraph. Titles have 6-20 words, abstracts 150-300 words drawn from ML research vocabulary
with a Zipf-like distribution (so common topics such as fine-tuning or diffusion get many
hits and rare ones a few), and about 30% of abstracts link a GitHub repository.

The output depends only on ``--papers`` and ``--seed`` (and ``--noise``): same arguments,
byte-identical files. Titles are unique, and each holds a made-up method name, so every
paper can be found by a word of its title. Import :func:`generate_feed` to get the same
data without files.
"""

from __future__ import annotations

import argparse
import datetime as dt
import itertools
import random
import sys
from collections.abc import Sequence
from pathlib import Path

Paper = tuple[str, str]
"""(title, abstract)"""
DigestData = tuple[dt.date, list[Paper]]

PAPERS_PER_DIGEST = 75
LAST_DAY = dt.date(2025, 3, 14)

# Research terms, most frequent first: term i is drawn with weight 1 / (i + 1) ** ZIPF_S.
TERMS: tuple[str, ...] = (
    "large language models",
    "fine-tuning",
    "reasoning",
    "reinforcement learning",
    "diffusion models",
    "transformers",
    "optimization",
    "benchmark",
    "multimodal",
    "instruction tuning",
    "mixture of experts",
    "agents",
    "attention",
    "RLHF",
    "retrieval-augmented generation",
    "scaling laws",
    "vision-language models",
    "chain-of-thought",
    "in-context learning",
    "quantization",
    "LoRA",
    "preference optimization",
    "code generation",
    "alignment",
    "distillation",
    "reward models",
    "text-to-image generation",
    "long context",
    "hallucination",
    "synthetic data",
    "video generation",
    "speculative decoding",
    "KV cache",
    "state space models",
    "self-supervised learning",
    "contrastive learning",
    "tokenization",
    "pruning",
    "parameter-efficient fine-tuning",
    "interpretability",
    "sparse autoencoders",
    "world models",
    "robotics",
    "embodied agents",
    "offline reinforcement learning",
    "imitation learning",
    "graph neural networks",
    "3D reconstruction",
    "Gaussian splatting",
    "speech recognition",
    "time series forecasting",
    "protein design",
    "molecular generation",
    "federated learning",
    "continual learning",
    "meta-learning",
    "adversarial robustness",
    "uncertainty estimation",
    "Bayesian inference",
    "learning rate schedules",
    "weight decay",
    "second-order optimization",
    "compute-optimal training",
    "data curation",
    "curriculum learning",
    "linear attention",
    "Mamba",
    "DPO",
    "jailbreaks",
    "watermarking",
    "machine unlearning",
    "differential privacy",
    "neural radiance fields",
    "point clouds",
    "semantic segmentation",
    "object detection",
    "optical flow",
    "audio generation",
    "music generation",
    "theorem proving",
    "formal verification",
    "causal inference",
    "recommender systems",
    "tabular data",
    "weather forecasting",
    "medical imaging",
    "knowledge graphs",
    "test-time compute",
    "model merging",
    "emergent abilities",
)
ZIPF_S = 1.1

NOUNS = (
    "framework",
    "method",
    "model",
    "approach",
    "architecture",
    "algorithm",
    "pipeline",
    "objective",
    "estimator",
    "dataset",
    "training recipe",
    "evaluation suite",
)
ADJECTIVES = (
    "efficient",
    "scalable",
    "robust",
    "simple",
    "unified",
    "adaptive",
    "hierarchical",
    "sparse",
    "lightweight",
    "principled",
    "data-efficient",
    "training-free",
    "memory-efficient",
    "provable",
)
VERBS = ("improves", "accelerates", "stabilises", "generalises", "simplifies", "scales")
BENCHES = (
    "MMLU",
    "GSM8K",
    "HumanEval",
    "ImageNet",
    "COCO",
    "MATH",
    "ARC",
    "BIG-Bench",
    "LongBench",
    "SWE-bench",
    "MT-Bench",
    "AlpacaEval",
)
METRICS = ("accuracy", "throughput", "perplexity", "win rate", "sample efficiency", "latency")
# Everyday words of abstracts, most frequent first; a long tail of made-up words follows them
# (see _lexicon), so the vocabulary grows with the feed as real text does.
_COMMON = """
the of and to a in we that for is on with our by as this are from which an be models can
model it these show results language performance training data learning propose method
tasks approach large existing methods while such both than not also more across new
however into first each between their framework using based has at or used achieves
novel significantly further demonstrate experiments code available work state-of-the-art
over task evaluation analysis introduce study paper two different its without other
improves via outperforms through information problem quality across benchmarks generation
high one compared recent effective previous approaches key efficient study under multiple
inference where robust set even lead leading strong often been have well remains trained
better time complex single how real-world critical scale general diverse fine-grained
"""
COMMON_WORDS = tuple(_COMMON.split())
TAIL_WORDS = 30_000
WORD_ZIPF_S, WORD_ZIPF_Q = 1.1, 2.7
"""Zipf-Mandelbrot: word i is drawn with weight 1 / (i + 1 + Q) ** S (calibrated on the
sample digest: about 8 "the" and 2.5 "models" per abstract, 4,000 words in 75 abstracts)."""
TOPICS_PER_PAPER = (1, 3)

TITLE_LINKS = ("for", "via", "with", "in", "through", "beyond", "towards")
SYLLABLES: tuple[str, ...] = (
    "ze",
    "tor",
    "qua",
    "lin",
    "vex",
    "mo",
    "ra",
    "dex",
    "ni",
    "ka",
    "bel",
    "sor",
    "fu",
    "gan",
    "trix",
    "lo",
    "pha",
    "rix",
    "ul",
    "dra",
    "mer",
    "sy",
    "cor",
    "ven",
)
GITHUB_USERS = ("openlab", "ml-group", "vision-ai", "nlp-research", "deepsys", "ai-collective")


def _title_case(term: str) -> list[str]:
    return [w if w[0].isupper() else w[0].upper() + w[1:] for w in term.split()]


def _a(word: str) -> str:
    return f"{'an' if word[0] in 'aeiou' else 'a'} {word}"


def _lexicon() -> tuple[str, ...]:
    """COMMON_WORDS, then TAIL_WORDS made-up words (the same for every seed)."""
    rng = random.Random(20250314)
    words = list(dict.fromkeys(COMMON_WORDS))
    seen = set(words)
    endings = ("", "", "tion", "ic", "ing", "ity", "al", "ized", "ness", "ous")
    while len(words) < len(COMMON_WORDS) + TAIL_WORDS:
        word = "".join(rng.choices(SYLLABLES, k=rng.randint(2, 3))) + rng.choice(endings)
        if word not in seen:
            seen.add(word)
            words.append(word)
    return tuple(words)


class _Synth:
    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)
        self.term_weights = [1.0 / (i + 1) ** ZIPF_S for i in range(len(TERMS))]
        self.words = _lexicon()
        weights = [1 / (i + 1 + WORD_ZIPF_Q) ** WORD_ZIPF_S for i in range(len(self.words))]
        self.word_cum = list(itertools.accumulate(weights))
        self.names: set[str] = set()
        self.titles: set[str] = set()

    def term(self) -> str:
        return self.rng.choices(TERMS, weights=self.term_weights)[0]

    def topics(self) -> list[str]:
        """The 1-3 research terms a paper is about, common ones more often."""
        k = self.rng.randint(*TOPICS_PER_PAPER)
        topics: list[str] = []
        while len(topics) < k:
            term = self.term()
            if term not in topics:
                topics.append(term)
        return topics

    def name(self) -> str:
        """A new made-up method name such as ``Zevexmo``, never given twice."""
        while True:
            parts = self.rng.choices(SYLLABLES, k=self.rng.randint(2, 4))
            name = "".join(parts).capitalize()
            if name not in self.names:
                self.names.add(name)
                return name

    def title(self, name: str, topics: Sequence[str]) -> str:
        rng = self.rng
        target = rng.randint(6, 20)
        words = [f"{name}:", rng.choice(ADJECTIVES).capitalize(), *_title_case(topics[0])]
        extra = [*topics[1:]]
        while len(words) < target:
            term = _title_case(extra.pop(0) if extra else self.term())
            if len(words) + 1 + len(term) > 20:
                break
            words += [rng.choice(TITLE_LINKS), *term]
        while len(words) < 6:
            words.append(rng.choice(("Revisited", "at Scale", "in Practice")))
        title = " ".join(words)
        key = title.casefold()
        suffix = 2
        while key in self.titles:  # made-up names are unique, so this is a safety net
            title = f"{title} {suffix}"
            key = title.casefold()
            suffix += 1
        self.titles.add(key)
        return title

    def prose(self, n: int) -> str:
        return " ".join(self.rng.choices(self.words, cum_weights=self.word_cum, k=n))

    def sentence(self, kind: int, name: str, topics: Sequence[str]) -> str:
        rng = self.rng
        topic = rng.choice(topics)
        if kind == 0:
            text = (
                f"We propose {name}, {_a(rng.choice(ADJECTIVES))} {rng.choice(NOUNS)} for "
                f"{topic} that {rng.choice(VERBS)} {self.prose(rng.randint(3, 8))}"
            )
        elif kind == 1:
            text = f"Existing approaches to {topic} {self.prose(rng.randint(6, 14))}"
        elif kind == 2:
            text = (
                f"Experiments on {rng.choice(BENCHES)} and {rng.choice(BENCHES)} show that "
                f"{name} improves {rng.choice(METRICS)} by {rng.randint(2, 40)}% over "
                f"strong {topic} baselines"
            )
        else:
            words = self.prose(rng.randint(10, 28)).split()
            if rng.random() < 0.25:  # a passing mention of another field
                words.insert(rng.randrange(len(words) + 1), self.term())
            text = " ".join(words)
        return text[0].upper() + text[1:] + "."

    def abstract(self, name: str, topics: Sequence[str]) -> str:
        rng = self.rng
        link = ""
        if rng.random() < 0.3:
            user = rng.choice(GITHUB_USERS)
            link = f"Code is available at https://github.com/{user}/{name.lower()}."
        budget = 300 - len(link.split())
        target = rng.randint(150, budget - 20)
        kinds = [1, 3, 0, 3, 3, 2]
        sentences: list[str] = []
        count = 0
        while count < target:
            kind = kinds[len(sentences)] if len(sentences) < len(kinds) else 3
            s = self.sentence(kind, name, topics)
            n = len(s.split())
            if count + n > budget:
                continue
            sentences.append(s)
            count += n
        if link:
            sentences.append(link)
        return " ".join(sentences)

    def paper(self) -> Paper:
        name = self.name()
        topics = self.topics()
        return self.title(name, topics), self.abstract(name, topics)


def generate_feed(n: int, seed: int = 0) -> list[DigestData]:
    """``n`` papers in digests of 75, newest day first, going back from 2025-03-14."""
    if n < 0:
        raise ValueError(f"number of papers must be >= 0, got {n!r}")
    synth = _Synth(seed)
    digests: list[DigestData] = []
    for start in range(0, n, PAPERS_PER_DIGEST):
        day = LAST_DAY - dt.timedelta(days=len(digests))
        papers = [synth.paper() for _ in range(min(PAPERS_PER_DIGEST, n - start))]
        digests.append((day, papers))
    return digests


NOISE_HEAD = (
    "Get trending papers in your email inbox!\n\nSubscribe\n\nbyAK and the research community\n\n"
)


def format_txt(day: dt.date, papers: Sequence[Paper], noise: bool = False) -> str:
    """A digest in the raw text format: date line, then title / abstract paragraphs."""
    head = NOISE_HEAD if noise else ""
    body = "\n\n".join(f"{title}\n\n{abstract}" for title, abstract in papers)
    return f"{head}{day.strftime('%b')} {day.day}\n\n{body}\n"


def format_yaml(day: dt.date, papers: Sequence[Paper]) -> str:
    """A structured digest: ``date`` and a list of ``papers`` with ``title`` and ``abstract``."""
    import yaml

    data = {
        "date": day.isoformat(),
        "papers": [{"title": t, "abstract": a} for t, a in papers],
    }
    text: str = yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=100)
    return text


def write_feed(
    out: Path, n: int, seed: int = 0, fmt: str = "txt", noise: bool = False
) -> list[Path]:
    """Write the digests of :func:`generate_feed` into ``out``; return the files written."""
    out.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    for day, papers in generate_feed(n, seed):
        if fmt == "txt":
            path, text = out / f"{day.isoformat()}.txt", format_txt(day, papers, noise)
        elif fmt == "yaml":
            path, text = out / f"{day.isoformat()}.yml", format_yaml(day, papers)
        else:
            raise ValueError(f"format must be 'txt' or 'yaml', got {fmt!r}")
        path.write_text(text, encoding="utf-8", newline="\n")
        written.append(path)
    return written


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--papers", type=int, required=True, help="number of papers")
    parser.add_argument("--out", type=Path, required=True, help="folder for the digests")
    parser.add_argument(
        "--format",
        choices=("txt", "yaml"),
        default="txt",
        help="pasted text or structured YAML digests (default: txt)",
    )
    parser.add_argument(
        "--seed", type=int, default=0, help="seed of the feed (same seed, same digests)"
    )
    parser.add_argument("--noise", action="store_true", help="add the newsletter's header lines")
    args = parser.parse_args(argv)
    if args.papers < 0:
        parser.error(f"--papers must be >= 0, got {args.papers!r}")
    files = write_feed(args.out, args.papers, args.seed, args.format, args.noise)
    print(f"wrote {args.papers} papers in {len(files)} digests to {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
