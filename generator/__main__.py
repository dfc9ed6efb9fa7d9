"""``python -m generator`` is the same as the ``paperfeed`` command."""

from generator.cli import run

run()
