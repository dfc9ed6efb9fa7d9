"""Fetching digests from real sources: Hugging Face daily papers and the arXiv API, and
enriching pasted digests with arXiv metadata (``paperfeed fetch``, ``paperfeed enrich``).

Small modules: :mod:`~generator.fetch.http` (the one HTTP client), :mod:`~.hf` and
:mod:`~.arxiv` (pure parsers of each API's responses), :mod:`~.digest` (the digest file
they write), :mod:`~.enrich` (title lookups) and :mod:`~.commands` (the commands: the
only place that does I/O). Builds never import this package: they never go online.
"""
