"""Print the lower bound of every runtime dependency as a pip constraint (``name==version``).

The workflow's "lowest" job installs with these constraints, so each ``>=`` in
pyproject.toml is a version that is installed and tested:

    python .github/lower_bounds.py > lowest.txt
    PIP_CONSTRAINT=lowest.txt bash .ci/run
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

try:
    import tomllib
except ModuleNotFoundError:  # Python 3.10: pip's own copy of the same parser
    from pip._vendor import tomli as tomllib

REQUIREMENT = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)(\[[^\]]*\])?\s*(.*)$")


def lower_bounds(pyproject: Path) -> list[str]:
    project = tomllib.loads(pyproject.read_text("utf-8"))["project"]
    lines = []
    for requirement in project["dependencies"]:
        match = REQUIREMENT.match(requirement)
        if match is None:
            raise SystemExit(f"{pyproject}: cannot read the requirement {requirement!r}")
        name, _, spec = match.groups()
        bound = re.search(r">=\s*([^,;\s]+)", spec)
        if bound is None:
            raise SystemExit(f"{pyproject}: {requirement!r} has no lower bound (>=)")
        lines.append(f"{name}=={bound.group(1)}")
    return lines


if __name__ == "__main__":
    root = Path(__file__).resolve().parent.parent
    sys.stdout.write("".join(line + "\n" for line in lower_bounds(root / "pyproject.toml")))
