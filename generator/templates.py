"""The Jinja templates of generated pages, which a site owner may override the MkDocs way.

paperfeed renders a paper's entry in a listing (``paperfeed/paper_entry.html``) and the
body of a paper's page (``paperfeed/paper_page.html``) from templates shipped in
``generator/templates/``. A file of the same name under the theme's ``custom_dir``
(``overrides/paperfeed/paper_entry.html``) is used instead, as MkDocs uses a
``custom_dir``'s ``main.html`` instead of the theme's; it may ``include``, ``import`` or
``extend`` other templates of the ``custom_dir`` and paperfeed's own.

The environment autoescapes: a value printed with ``{{ }}`` that is not HTML already
(:class:`generator.escape.HTML`, or any object with ``__html__``) is HTML-escaped, quotes
included (``markupsafe.escape``). paperfeed's own templates print only values that are
HTML already (escaped by :func:`generator.escape.text`) or hold nothing to escape, so
their bytes are those the renderer always wrote. Undefined names are errors (a misspelt
field is not silently empty). Templates are compiled once per build; an error in one, at
compile or at render time, is an :class:`~generator.errors.InputError` naming the
template file and line.
"""

from __future__ import annotations

import hashlib
import os
from functools import cache, cached_property
from pathlib import Path
from typing import Any, NoReturn

import jinja2
import jinja2.runtime

from generator.errors import InputError, Problem
from generator.escape import HTML

TEMPLATE_DIR = Path(__file__).parent / "templates"
"""paperfeed's own templates."""
ENTRY = "paperfeed/paper_entry.html"
"""A paper in a listing (topics, tags, archive, all papers, the home page)."""
PAPER_PAGE = "paperfeed/paper_page.html"
"""The body of a paper's page (below its front matter)."""
NAMES = (ENTRY, PAPER_PAGE)

_new = str.__new__


class _Template(jinja2.Template):
    """A template that makes its render context from a flat copy of its globals: Jinja's own
    :meth:`~jinja2.Template.new_context` merges the chain of global mappings in Python on
    every render, a third of the time a paper's entry takes (rendered 50,000 times for
    10,000 papers). The same context either way."""

    _flat: dict[str, Any] | None = None

    def new_context(
        self,
        vars: dict[str, Any] | None = None,
        shared: bool = False,
        locals: Any = None,
    ) -> jinja2.runtime.Context:
        if not shared:
            if self._flat is None:
                self._flat = dict(self.globals)
            vars = {**self._flat, **vars} if vars else dict(self._flat)
        return super().new_context(vars, True, locals)


class Templates:
    """The templates of one build, compiled: from ``custom_dir`` where it has them, else
    paperfeed's own."""

    def __init__(self, custom_dir: str | os.PathLike[str] | None = None) -> None:
        self.custom_dir = Path(custom_dir).resolve() if custom_dir else None
        folders = [str(self.custom_dir)] if self.custom_dir else []
        self.env = jinja2.Environment(
            loader=jinja2.FileSystemLoader([*folders, str(TEMPLATE_DIR)]),
            autoescape=True,
            undefined=jinja2.StrictUndefined,
            auto_reload=False,
        )
        self.env.template_class = _Template
        self.entry = self._load(ENTRY)
        self.paper_page = self._load(PAPER_PAGE)
        self.own_entry = self.entry.filename == os.path.normpath(TEMPLATE_DIR / ENTRY)
        """True when the entry template is paperfeed's own, which prints ``abstract`` once,
        as it is (:func:`generator.render.items.paper_item` relies on it)."""

    def _load(self, name: str) -> jinja2.Template:
        try:
            return self.env.get_template(name)
        except jinja2.TemplateSyntaxError as e:
            raise InputError(_problem(e.filename or name, e.lineno, e.message or str(e))) from None
        except jinja2.TemplateError as e:
            self._fail(e)

    def render(self, template: jinja2.Template, values: dict[str, Any]) -> HTML:
        """``template`` rendered with ``values``: HTML (the environment autoescapes)."""
        try:
            return _new(HTML, template.render(values))
        except Exception as e:  # any error of the template's code: its file and line
            self._fail(e)

    def _fail(self, error: Exception) -> NoReturn:
        """Raise InputError naming the template line ``error`` came from, else re-raise."""
        if isinstance(error, jinja2.TemplateSyntaxError):  # an included template's
            raise InputError(
                _problem(error.filename or "", error.lineno, error.message or str(error))
            ) from None
        folders = [str(TEMPLATE_DIR), *([str(self.custom_dir)] if self.custom_dir else [])]
        tb = error.__traceback__
        where: tuple[str, int] | None = None
        while tb is not None:
            filename = tb.tb_frame.f_code.co_filename
            if any(filename.startswith(folder + os.sep) for folder in folders):
                where = (filename, tb.tb_lineno)
            tb = tb.tb_next
        if where is None:
            raise error
        message = getattr(error, "message", None) or str(error) or type(error).__name__
        raise InputError(_problem(where[0], where[1], message)) from None

    @cached_property
    def fingerprint(self) -> str:
        """A hash of every file a template may read: paperfeed's templates and the
        ``custom_dir``'s files (a page memoised by the build cache is made again when one
        changes)."""
        h = hashlib.blake2b(digest_size=16)
        for folder in (TEMPLATE_DIR, self.custom_dir):
            if folder is None:
                continue
            h.update(b"\0folder\0" + os.fsencode(folder.name))
            for root, dirs, names in os.walk(folder):
                dirs[:] = sorted(d for d in dirs if not d.startswith("."))
                for name in sorted(names):
                    path = Path(root, name)
                    h.update(os.fsencode(path.relative_to(folder)) + b"\0")
                    try:
                        h.update(path.read_bytes())
                    except OSError:
                        continue
        return h.hexdigest()


def _problem(filename: str, line: int | None, message: str) -> Problem:
    return Problem(_shown(filename), line or 0, f"template error: {message}")


def _shown(filename: str) -> str:
    """``filename`` relative to the working directory when inside it."""
    try:
        return Path(filename).resolve().relative_to(Path.cwd()).as_posix()
    except ValueError:
        return filename


@cache
def default_templates() -> Templates:
    """paperfeed's own templates (no ``custom_dir``), compiled once per process."""
    return Templates()
