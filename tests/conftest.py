"""Test-wide settings."""

from __future__ import annotations

import os

from hypothesis import settings

# First, so that PAPERFEED_ENGINE=properdocs makes every later `import mkdocs` ProperDocs
# (generator/engine.py): the workflow's "properdocs" jobs run the whole suite on it.
import generator  # noqa: F401

# CI replays the same examples every run (a red CI must mean a change broke something);
# elsewhere hypothesis explores new examples each time, which is how it finds bugs.
settings.register_profile("ci", derandomize=True)
if os.environ.get("CI") == "true":
    settings.load_profile("ci")
