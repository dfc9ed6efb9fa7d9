"""The MkDocs plugin: feeds the generated pages to MkDocs, in memory.

With ``- paperfeed`` in ``mkdocs.yml``'s plugins, plain ``mkdocs build`` and
``mkdocs serve`` work too; ``paperfeed build`` adds atomic output, a Markdown
copy of the pages and the accounting. Nothing is written into ``docs/``: the
generated pages are :meth:`File.generated` files, so hand-written pages are
never touched and a live preview never triggers itself.
"""

from __future__ import annotations

import contextlib
import dataclasses
import logging
import os
from collections.abc import Callable, Collection, Iterable
from functools import partial
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import Abort, PluginError
from mkdocs.plugins import BasePlugin, event_priority
from mkdocs.structure.files import Files, InclusionLevel

from generator import lean, preview, sitesize
from generator.cache import BuildCache, misplaced
from generator.config import PaperfeedConfig, current_session
from generator.curation import FILE_NAME as CURATION_FILE
from generator.curation import Curation, load_curation
from generator.enrichment import enrichment_path
from generator.errors import InputError, Problem
from generator.fastpages import Shells
from generator.mkdocs_boundary import (
    BARE_TEMPLATE,
    GeneratedPage,
    NavPage,
    Page,
    forget_previous_index,
    get_relative_url,
    name_search_dialog,
    skip_toc,
    watch_for_files,
)
from generator.model import Known, Paper, Stored
from generator.pipeline import Generated, generate, load_inputs, shown
from generator.render import GENERATED_ROOTS, Content, SiteSettings
from generator.render.citation import citation_meta, insert_head
from generator.render.common import page_url, paper_path
from generator.templates import Templates, default_templates
from generator.urls import FILE_NAME as PUBLISHED_FILE
from generator.urls import Record, load_published

if TYPE_CHECKING:
    from generator.search import PagefindSearchPlugin

log = logging.getLogger("mkdocs.plugins.paperfeed")
T = TypeVar("T")

CSS_PATH = "assets/paperfeed.css"

HEAD_DIR = Path(__file__).parent / "theme_head"
"""``main.html``: the feeds' autodiscovery links and OpenGraph tags in every page's head."""


def add_head_template(config: MkDocsConfig) -> None:
    """Put :data:`HEAD_DIR` among the theme's folders, after the site's ``custom_dir`` (a
    ``main.html`` of its own wins) and before the theme's own."""
    dirs = config.theme.dirs
    head = str(HEAD_DIR)
    if head in dirs:
        return
    from generator.search import THEME_DIR

    ours = {str(config.theme.custom_dir or ""), str(THEME_DIR)}
    dirs.insert(next((n for n, d in enumerate(dirs) if d not in ours), len(dirs)), head)


def hand_written_pages(docs_dir: Path) -> tuple[tuple[str, str], ...]:
    """The Markdown pages at the top of the docs folder, with the text of their first heading."""
    pages = []
    for path in sorted(docs_dir.glob("*.md")) if docs_dir.is_dir() else ():
        title = path.stem.replace("-", " ").capitalize()
        with path.open(encoding="utf-8", errors="replace") as f:
            for line in f:
                if line.startswith("# "):
                    title = line[2:].strip()
                    break
        pages.append((path.name, title))
    return tuple(pages)


def shadowed(docs: Iterable[str], generated: Collection[str], directory_urls: bool) -> str | None:
    """What is wrong when files of the docs folder (``docs``, docs-relative) are in the way
    of generated ones: at their paths, under the folders the generator owns, or at their
    addresses (``docs/tags.md`` is ``tags/``, the generated tags page); else None."""
    urls = {page_url(p, directory_urls) for p in generated}
    clashes = sorted(
        path
        for path in docs
        if path in generated
        or path.split("/", 1)[0] in GENERATED_ROOTS[1:]
        or page_url(path, directory_urls) in urls
    )
    if not clashes:
        return None
    return (
        "these files in the docs folder are in the way of generated pages (the generator owns "
        + ", ".join(GENERATED_ROOTS)
        + "): "
        + ", ".join(clashes)
    )


Watched = tuple[str, bool, "frozenset[str] | None"]
"""A place the preview watches: (path, recursively, only these files of the folder)."""


class PaperfeedPlugin(BasePlugin[PaperfeedConfig]):
    supports_multiple_instances = False

    def __init__(self) -> None:
        self.generated: Generated | None = None
        """Set by ``paperfeed build`` to skip generating twice; otherwise filled in on_config."""
        self.overrides: dict[str, Any] = {}
        """Options set by a program driving the plugin, in place of mkdocs.yml's (the
        ``paperfeed`` command gives its own through :func:`generator.config.session`)."""
        self.page_tick: Callable[[], None] | None = None
        """Progress callback, called once per page rendered."""
        self.while_indexing: Callable[[], None] | None = None
        """Work of ``paperfeed build``'s own for the time Pagefind indexes the site (after
        the site's size is measured): this process waits for it then. Not called when
        nothing is indexed that way (the caller does the work itself)."""
        self.backend = "material"
        self.owns_nav = False
        """True when the navigation is ours: hand-written pages are then kept out of it."""
        self.shells: Shells | None = None
        self.icons = lean.Icons()
        """The icons this build's lean pages refer to (the sprite)."""
        self.shared: lean.Shared | None = None
        """The parts of the theme's page this build's lean pages share (None: not shared)."""
        self._context: dict[str, Any] | None = None
        self.cache: BuildCache | None = None
        """The build cache the last :meth:`generate_pages` used (for the build's report)."""
        self.serving = False
        """Set by ``paperfeed serve``: the Pagefind index is then built in the background."""
        self.incremental = False
        """Set by ``paperfeed serve`` (MkDocs' dirty builds): only the generated pages whose
        Markdown changed are rendered again (:mod:`generator.preview`)."""
        self.preview: preview.Plan | None = None
        """What this preview build renders (``on_files``)."""
        self.by_paperfeed = False
        """Set by ``paperfeed build``: the site is built by paperfeed's command, which keeps
        the record of its site (else MkDocs' own command writes it: the record goes)."""
        self.keep_site: preview.KeptSite | None = None
        """Set by ``paperfeed build`` with the build cache: render only the generated pages
        whose Markdown changed, keeping the others from the previous site
        (:class:`generator.preview.KeptSite`)."""
        self.head_start: preview.HeadStart | None = None
        """What the build did of :attr:`keep_site` before it generated the pages
        (:func:`generator.preview.head_start`)."""
        self._site_dir: str | None = None
        self._files: Files | None = None
        """This build's files (``on_files``): which pages it read is known after it."""
        self.contents: dict[str, str | bytes | Known] | None = None
        """The generated files of a preview build with the build cache, by path: the pages
        an earlier build rendered from the same inputs as :class:`Known` contents
        (:mod:`generator.preview` keeps them unread when their hash is the last build's),
        or those of ``paperfeed build``, already written and read back from the disk
        (:meth:`read_pages_from`)."""
        self.published: dict[str, Record] = {}
        """The URLs earlier builds published, as read by :meth:`generate_pages`."""
        self.kept_documents = False
        """The search documents are the preview's kept ones: complete after any build."""
        self.site_size: sitesize.SiteSize | None = None
        """The built site's size (``on_post_build``; not measured by a live preview)."""
        self.log_size = True
        """Log the site's size (and the warning near the limit); ``paperfeed build`` prints
        them itself, after the build, so that the warning does not fail a strict build."""
        self._paper_pages: tuple[Generated, dict[str, Paper]] | None = None
        """The papers of :attr:`generated` by the path of their page."""

    # Paths -----------------------------------------------------------------
    def option(self, name: str) -> Any:
        return self.overrides.get(name, self.config[name])

    def path(self, config: MkDocsConfig, name: str) -> Path:
        base_dir = Path(config.config_file_path or ".").parent
        return (base_dir / str(self.option(name))).resolve()

    def build_cache(
        self, config: MkDocsConfig, others: dict[str, Path] | None = None
    ) -> BuildCache | None:
        """The build cache, unless the ``cache`` option (or ``--no-cache``) turned it off.

        Raises PluginError when ``cache_dir`` overlaps the docs, the site, the digests or
        ``others``."""
        if not self.option("cache"):
            return None
        folder = self.path(config, "cache_dir")
        problem = misplaced(
            folder,
            {
                "docs": Path(config.docs_dir),
                "site": Path(config.site_dir),
                "digests": self.path(config, "digests"),
                **(others or {}),
            },
        )
        if problem:
            raise PluginError(f"paperfeed: {problem}")
        return BuildCache(folder)

    def generate_pages(
        self,
        config: MkDocsConfig,
        sink: Callable[[Iterable[tuple[str, Content]]], object] | None = None,
        outputs: dict[str, Path] | None = None,
    ) -> Generated:
        """Read the inputs and generate every page (handed to ``sink`` if given), through the
        build cache unless it is turned off; sets :attr:`generated` and :attr:`cache`.

        Raises InputError for bad inputs, PluginError for a ``cache_dir`` that overlaps
        the docs, the site, the digests or ``outputs``."""
        cache = self.build_cache(config, outputs)
        problems: list[Problem] = []
        curation = None
        try:
            curation = self.curation(config)
        except InputError as e:
            problems = e.problems
        path = self.published_path(config)
        self.published = {}
        try:
            self.published = load_published(path, str(shown(path)))
        except InputError as e:
            problems += e.problems
        templates = None
        try:
            templates = self.templates(config)
        except InputError as e:
            problems += e.problems
        try:
            digests, taxonomy, warnings = load_inputs(
                self.path(config, "digests"),
                self.path(config, "taxonomy"),
                cache,
                self.config.max_digest_mb * 1_000_000,
                Path(config.config_file_path or ".").resolve().parent,
            )
        except InputError as e:
            raise InputError(problems + e.problems) from None
        if problems:
            raise InputError(problems)
        self.contents = None
        if sink is None and cache is not None and self.incremental:
            # A preview keeps what it is given as Known: rendered only if MkDocs reads it.
            self.contents = {}
            sink = partial(_collect, self.contents)
        self.generated = generate(
            digests,
            taxonomy,
            self.settings(config, templates),
            warnings,
            sink,
            cache,
            curation,
            self.published,
        )
        if self.contents is not None:  # in the order render_site gives: by path
            self.contents = dict(sorted(self.contents.items()))
        if cache:
            cache.save()
            if cache.discarded:  # a cache entry that did not parse: said, then rebuilt
                warned = (*self.generated.warnings, *cache.discarded)
                self.generated = dataclasses.replace(self.generated, warnings=warned)
        self.cache = cache
        return self.generated

    def curation_target(self, config: MkDocsConfig) -> Path:
        """Where the curation file is or would be: the ``curation`` option's, else
        ``curation.yml`` beside the taxonomy."""
        if self.option("curation"):
            return self.path(config, "curation")
        return self.path(config, "taxonomy").parent / CURATION_FILE

    def curation_path(self, config: MkDocsConfig) -> Path | None:
        """The curation file: the ``curation`` option's, else ``curation.yml`` beside the
        taxonomy if it exists (None: there is none)."""
        target = self.curation_target(config)
        if self.option("curation"):
            return target
        # (one that is there but not a file, a folder or a broken link, is named: not
        # skipped as if there were none)
        return target if target.exists() or target.is_symlink() else None

    def published_path(self, config: MkDocsConfig) -> Path:
        """The published-URLs file: the ``published`` option's, else beside the taxonomy."""
        if self.option("published"):
            return self.path(config, "published")
        return self.path(config, "taxonomy").parent / PUBLISHED_FILE

    def curation(self, config: MkDocsConfig) -> Curation | None:
        """The curator's changes, read and checked (InputError: their problems)."""
        path = self.curation_path(config)
        return None if path is None else load_curation(path, str(shown(path)))

    def templates(self, config: MkDocsConfig) -> Templates:
        """The templates of paper entries and pages: the theme's ``custom_dir``'s where it
        has them (``paperfeed/paper_entry.html``, ...), else paperfeed's own, compiled
        (InputError: a template's file, line and error)."""
        custom_dir = config.theme.custom_dir
        return Templates(custom_dir) if custom_dir else default_templates()

    def settings(self, config: MkDocsConfig, templates: Templates | None = None) -> SiteSettings:
        site_url = config.site_url or ""
        if site_url and not site_url.endswith("/"):
            site_url += "/"
        return SiteSettings(
            site_url=site_url,
            site_name=config.site_name,
            page_size=self.config.page_size,
            feed_size=self.config.feed_size,
            extra_pages=hand_written_pages(Path(config.docs_dir)),
            directory_urls=config.use_directory_urls,
            templates=templates or self.templates(config),
        )

    # Events ----------------------------------------------------------------
    def on_config(self, config: MkDocsConfig) -> MkDocsConfig:
        if not self.config.enabled:
            return config
        session = current_session()
        if session is not None:  # paperfeed serve: its way of previewing
            self.serving, self.incremental = session.serving, session.incremental
            if session.server is not None:  # what this build reads is followed too
                self.watch(session.server, config, session.watched)
        elif not self.by_paperfeed:  # `mkdocs build` itself: not the site paperfeed recorded
            with contextlib.suppress(PluginError):
                cache = self.build_cache(config)
                if cache is not None:
                    preview.forget_kept_site(cache.folder)
        self._site_dir = config.site_dir
        self.site_size = None
        self.icons = lean.Icons()
        features = config.theme.get("features") or ()
        # Instant navigation swaps pages without parsing them: the parts would not be put in.
        shared = self.config.lean_pages and "navigation.instant" not in features
        self.shared = lean.Shared() if shared else None
        from generator.search import stop_background_index

        stop_background_index()  # the previous preview's, before MkDocs empties the site
        if self.serving:
            import gc

            gc.collect()  # free the previous build (its pages hold reference cycles) first
        if self.generated is None:
            try:
                self.generate_pages(config)
            except InputError as e:
                raise PluginError(f"paperfeed: the inputs have errors:\n{e}") from e
            assert self.generated is not None
            for warning in self.generated.warnings:
                log.info(f"paperfeed: {warning}")
        if config.nav is None:
            config.nav = self.navigation()
            self.owns_nav = True
        config.extra_css.append(CSS_PATH)
        from generator.search import apply_backend, choose_backend

        self.backend = choose_backend(
            self.option("search"),
            len(self.generated.feed.papers),
            self.config.pagefind_threshold,
        )
        apply_backend(config, self.backend)
        add_head_template(config)
        return config

    def read_pages_from(self, contents: dict[str, Stored]) -> None:
        """Have MkDocs read the generated files from ``contents``, files the build has
        already written (:func:`generator.write.stage_tree`), instead of from memory:
        a page's text is read when MkDocs asks for it and not kept."""
        self.contents = dict(contents)  # a dict of the wider type the preview uses

    def navigation(self) -> list[Any]:
        """Home, topics, tags and archive: four entries, whatever the size of the feed.

        The topic, tag and digest pages are reached from those index pages; every
        entry more in the navigation is rendered again on every page of the site.
        """
        return [
            {"Home": "index.md"},
            {"Topics": "topics/index.md"},
            {"Tags": "tags/index.md"},
            {"Archive": "archive/index.md"},
        ]

    def on_files(self, files: Files, config: MkDocsConfig) -> Files:
        if not self.config.enabled:
            return files
        assert self.generated is not None
        problem = shadowed(
            [f.src_uri for f in files], self.generated.paths, config.use_directory_urls
        )
        if problem:
            raise PluginError(f"paperfeed: {problem}")
        if self.owns_nav:
            for f in files.documentation_pages():
                f.inclusion = InclusionLevel.NOT_IN_NAV
        in_nav = {path: title for entry in self.navigation() for title, path in entry.items()}
        css = (
            resources.files("generator")
            .joinpath("theme")
            .joinpath("paperfeed.css")
            .read_text("utf-8")
        )
        generated: list[tuple[preview.PreviewFile, Content]] = []
        contents = self.generated.files if self.contents is None else self.contents
        for path, text in [*contents.items(), (CSS_PATH, css)]:
            inclusion = (
                InclusionLevel.UNDEFINED
                if path in in_nav or not path.endswith(".md")
                else InclusionLevel.NOT_IN_NAV
            )
            file = preview.PreviewFile.of(config, path, text, inclusion=inclusion)
            files.append(file)
            generated.append((file, text))
            if not self.config.fast_pages:
                continue
            if inclusion is InclusionLevel.NOT_IN_NAV:
                GeneratedPage(None, file, config)  # becomes file.page
            elif path in in_nav and self.owns_nav:  # (mkdocs.yml's own nav: MkDocs's pages)
                NavPage(in_nav[path], file, config)  # titled as in the navigation
        if self.incremental or self.keep_site is not None:
            self._plan_preview(config, files, generated)
        self._files = files
        return files

    def _plan_preview(
        self, config: MkDocsConfig, files: Files, generated: list[tuple[Any, Content]]
    ) -> None:
        """Decide what this preview build renders again (:mod:`generator.preview`)."""
        options = (sorted(self.config.items()), sorted(self.overrides.items()), self.backend)
        why_full = None
        if self.keep_site is not None and self.keep_site.everything:
            why_full = "--rebuild-all"
        elif self.backend != "pagefind":
            why_full = "Material's search indexes the pages rendered"
        elif not self.owns_nav:
            why_full = "mkdocs.yml has its own nav (a page not read again has no title)"
        elif others := sorted(set(config.plugins) - preview.SAFE_PLUGINS):
            why_full = "other plugins may read every page: " + ", ".join(others)
        if self.keep_site is not None:
            head = self.head_start
            stand_in = self._stand_in(config)
            if head is not None and head.documents is not None and stand_in is not None:
                stand_in.use_documents(head.documents)  # the kept pages' are written there
            self.preview = _keeping(  # the pages that changed, linked already, removed again
                partial(
                    preview.plan_kept,
                    self.keep_site,
                    config.site_dir,
                    preview.surroundings(config, options, by_content=True),
                    generated,
                    why_full is None,
                    self._search_documents(config),
                    head,
                )
            )
            if not self.preview.full:
                self._read_shared_files(self.keep_site.previous)
        else:
            self.preview = preview.plan(
                config.site_dir, preview.surroundings(config, options), generated, why_full is None
            )
        self._use_kept_documents(config)
        if self.preview.full:
            forget_previous_index(config.plugins)  # every page is indexed again
            if why_full:
                log.debug(f"paperfeed: rendering every page: {why_full}")
            return
        generated_files = {id(f) for f, _ in generated}
        for file in files.documentation_pages():
            if id(file) not in generated_files:
                preview.always_render(file)  # its links depend on which pages exist
        log.info(
            f"paperfeed: rendering {self.preview.rendered} of {self.preview.total} "
            "generated files again (the others did not change)"
        )

    def _read_shared_files(self, site_dir: Path) -> None:
        """Start from the icon sprite and shared script of the site whose pages this
        build keeps: the kept pages refer to them."""
        if not self.config.lean_pages:
            return
        with contextlib.suppress(OSError):
            self.icons.read_sprite((site_dir / lean.SPRITE_PATH).read_text("utf-8"))
        if self.shared is not None:
            with contextlib.suppress(OSError):
                self.shared.read_script((site_dir / lean.SHELL_PATH).read_text("utf-8"))

    def _stand_in(self, config: MkDocsConfig) -> PagefindSearchPlugin | None:
        """The Pagefind stand-in of MkDocs's search plugin, which writes the search
        documents of the pages rendered (None with another search)."""
        from generator.search import SEARCH_PLUGIN_KEY, PagefindSearchPlugin

        stand_in = config.plugins.get(SEARCH_PLUGIN_KEY)
        return stand_in if isinstance(stand_in, PagefindSearchPlugin) else None

    def _search_documents(self, config: MkDocsConfig) -> Path | None:
        """The folder the Pagefind stand-in writes this build's search documents into."""
        stand_in = self._stand_in(config)
        return stand_in.documents if stand_in is not None and self.backend == "pagefind" else None

    def _use_kept_documents(self, config: MkDocsConfig) -> None:
        """Have the Pagefind stand-in write into the preview's kept search documents."""
        stand_in = self._stand_in(config)
        if self.preview is None or stand_in is None:
            return
        if self.keep_site is not None:
            return  # a build: the kept pages' documents are made from their HTML
        folder = preview.documents(config.site_dir, self.preview)
        if folder is not None:
            stand_in.use_documents(folder)
            self.kept_documents = True

    def stop_linking(self) -> None:
        """The build failed: stop linking the kept pages into its site folder (before the
        folder is deleted: ``paperfeed build`` calls this whatever stopped the build)."""
        if self.preview is not None and self.preview.linking is not None:
            self.preview.linking.cancel()  # nothing if it was waited for already

    def on_build_error(self, error: Exception) -> None:
        if not self.config.enabled:
            return
        if self.incremental and self._site_dir is not None:
            preview.forget(self._site_dir)  # what it wrote is not a good build's

    def on_page_markdown(self, markdown: str, **kwargs: Any) -> str:
        if not self.config.enabled:
            return markdown
        if self.page_tick is not None:
            self.page_tick()
        return markdown

    def on_page_content(self, html: str, page: Page, **kwargs: Any) -> str:
        generated = isinstance(page.file, preview.PreviewFile)
        if self.config.enabled and generated and not isinstance(page, GeneratedPage):
            skip_toc(page)  # (without fast_pages: MkDocs' own Page)
        return html

    def on_env(self, env: Any, config: MkDocsConfig, files: Files) -> Any:
        if not self.config.enabled:
            return env
        import jinja2

        env.loader = jinja2.ChoiceLoader(
            [jinja2.DictLoader({BARE_TEMPLATE: "{{ page.content }}"}), env.loader]
        )
        if self.serving and env.bytecode_cache is None:
            env.bytecode_cache = preview.TEMPLATES  # compiled once per preview, not per build
        self.shells = Shells(env, self._lean if self.config.lean_pages else None)
        return env

    def _lean(self, output: str, page: Page) -> str:
        sprite = get_relative_url(lean.SPRITE_PATH, page.url)
        output = self.icons.lean(name_search_dialog(output), sprite)
        if self.shared is None:
            return output
        return self.shared.lean(output, sprite[: -len(lean.SPRITE_PATH)])

    @event_priority(-100)  # last: the context every other plugin has seen
    def on_page_context(self, context: Any, page: Page, **kwargs: Any) -> Any:
        if not self.config.enabled:
            return context
        self._context = context if isinstance(page, GeneratedPage) and page.stamped else None
        return context

    @event_priority(100)  # first: other plugins see the whole page
    def on_post_page(self, output: str, page: Page, config: MkDocsConfig) -> str:
        if not self.config.enabled:
            return output
        if isinstance(page, GeneratedPage) and page.stamped and self.shells is not None:
            assert self._context is not None
            output = self.shells.render(page, self._context)
        elif self.config.lean_pages:
            output = self._lean(output, page)
        return self.citation_tags(page, name_search_dialog(output))

    def citation_tags(self, page: Page, output: str) -> str:
        """A paper page with its ``citation_*`` meta tags in ``<head>`` (Google Scholar and
        Zotero read them there). Added here, after the page is rendered by either path:
        in front matter they would make every paper page a kind of its own for the
        shells (:mod:`generator.fastpages`)."""
        if self.generated is None or not page.file.src_uri.startswith("papers/"):
            return output
        if self._paper_pages is None or self._paper_pages[0] is not self.generated:
            by_path = {paper_path(p): p for p in self.generated.feed.papers}
            self._paper_pages = (self.generated, by_path)
        paper = self._paper_pages[1].get(page.file.src_uri)
        if paper is None:
            return output
        return insert_head(output, citation_meta(paper))

    def on_serve(self, server: Any, config: MkDocsConfig, builder: Any) -> Any:
        if not self.config.enabled:
            return server
        session = current_session()
        if session is not None:
            session.server = server
        self.watch(server, config, set() if session is None else session.watched)
        return server

    def watch(self, server: Any, config: MkDocsConfig, watched: set[Watched]) -> None:
        """Have MkDocs' preview server watch what :meth:`watched` lists and ``watched``
        does not have yet (added to it)."""
        for place in self.watched(config):
            if place in watched:
                continue
            path, recursive, names = place
            try:
                if names:
                    watch_for_files(server, path, names)
                else:
                    server.watch(path, recursive=recursive)
            except OSError:  # gone since it was found: the next build looks again
                continue
            watched.add(place)

    def watched(self, config: MkDocsConfig) -> list[Watched]:
        """What the preview watches, (path, recursively, only these files): the digests,
        the taxonomy, the theme's ``custom_dir`` (its ``paperfeed/`` templates make the
        generated pages), and the curation and enrichment files, or while one is not there,
        the folder it would be made in, for that file alone (MkDocs' server cannot watch a
        path that does not exist; another file saved there, a log, rebuilds nothing)."""
        places: list[Watched] = []
        for name in ("digests", "taxonomy"):
            target = self.path(config, name)
            if target.exists():
                places.append((os.fspath(target), True, None))
        waiting: dict[str, set[str]] = {}
        taxonomy = self.path(config, "taxonomy")
        for target in (self.curation_target(config), enrichment_path(taxonomy)):
            if target.exists():
                places.append((os.fspath(target), True, None))
            elif target.parent.is_dir():
                waiting.setdefault(os.fspath(target.parent), set()).add(target.name)
        places += [(folder, False, frozenset(names)) for folder, names in waiting.items()]
        if config.theme.custom_dir and os.path.isdir(config.theme.custom_dir):
            places.append((os.fspath(config.theme.custom_dir), True, None))
        return places

    def on_post_template(self, output_content: str, template_name: str, **kwargs: Any) -> str:
        """The theme's 404 page: its search dialog named, as on every other page (it is no
        page of MkDocs's, so ``on_post_page`` never sees it)."""
        if not self.config.enabled or template_name != "404.html":
            return output_content
        return name_search_dialog(output_content)

    def on_post_build(self, config: MkDocsConfig) -> None:
        if not self.config.enabled:
            return
        linking = self.preview.linking if self.preview is not None else None

        def site_ready() -> None:  # before the site is read: the kept pages are in place
            if linking is not None:
                _keeping(linking.finish)

        if linking is not None:
            # The process keeping the previous site's pages writes their search documents
            # first: Pagefind indexes them while it links the pages.
            _keeping(linking.documents_written)
        # A page MkDocs did not read (a partial preview build, plain ``mkdocs serve --dirty``,
        # a draft left out) has no search document: Pagefind reads the site's pages then.
        partial = self._files is not None and any(
            f.page is not None and f.page.markdown is None
            for f in self._files.documentation_pages()
        )
        kept_pages = [  # a build's pages kept from the previous site (not the preview's)
            f.dest_path
            for f in (self._files if self.keep_site is not None and self._files else ())
            if isinstance(f, preview.PreviewFile) and f.kept and f.dest_path.endswith(".html")
        ]
        self._files = None
        if self.config.lean_pages:
            self.icons.write_sprite(Path(config.site_dir))
        if self.shared is not None:
            self.shared.write_script(Path(config.site_dir))
        if self.preview is not None and self.incremental:
            preview.done(config.site_dir, self.preview)
        if self.shells is not None:
            log.debug(
                f"paperfeed: {self.shells.stamped} pages stamped, "
                f"{self.shells.rendered} rendered by the theme template"
            )
        if self.backend == "pagefind":
            from generator.search import BUNDLE_DIR, index_in_background, run_pagefind

            stand_in = self._stand_in(config)
            documents = None
            unwritten: list[str] = []
            keeping = self.keep_site is not None
            if stand_in is not None and stand_in.documents is not None and keeping:
                # The pages kept from the previous site: their documents from their HTML,
                # when Pagefind needs them (not for a closed shard it keeps), but those the
                # process that linked them wrote already.
                made = linking.documented if linking is not None else frozenset()
                unwritten = [p for p in kept_pages if p not in made]
                partial = False
            if stand_in is not None and (self.kept_documents or not partial):
                # Otherwise, documents of the pages rendered only: Pagefind reads the site.
                documents = stand_in.documents
            if self.serving:
                site_ready()
                if stand_in is not None and documents is not None:
                    stand_in.documents = None  # the indexer (or the preview) owns them now
                index_in_background(
                    Path(config.site_dir), documents, keep_documents=self.kept_documents
                )
                log.info(
                    "paperfeed: building the search index in the background (Pagefind); "
                    "search works once it says it is ready"
                )
                return
            site = Path(config.site_dir)
            measured: list[sitesize.SiteSize] = []

            def measure() -> None:  # while Pagefind indexes: the site but for its bundle
                site_ready()
                measured.append(self._size(site, skip=(BUNDLE_DIR,)))
                if self.while_indexing is not None:
                    self.while_indexing()

            try:
                stats = run_pagefind(
                    site,
                    documents=documents,
                    months=self._months(config),
                    shard_size=self.config.pagefind_shard_size,
                    split_above=self.config.pagefind_split_above,
                    reuse=None if self.keep_site is None else self.keep_site.shards,
                    fragments=None if self.keep_site is None else self.keep_site.fragments,
                    unwritten=unwritten,
                    site_ready=site_ready,
                    meanwhile=None if self.serving else measure,
                )
                if measured:
                    self._report_size(measured[0].plus(stats["bytes"]))
            finally:
                if stand_in is not None:
                    if self.kept_documents:
                        stand_in.documents = None  # the preview's, for its next build
                    stand_in.discard_documents()
        site_ready()
        if not self.serving and self.site_size is None:
            self._report_size(self._size(Path(config.site_dir)))

    def _months(self, config: MkDocsConfig) -> dict[str, str]:
        """The paper pages' search documents (their paths in the site) and the month each
        paper was first seen: what the Pagefind index is sharded by."""
        assert self.generated is not None
        months: dict[str, str] = {}
        for paper in self.generated.feed.papers:
            url = page_url(paper_path(paper), config.use_directory_urls)
            months[url + "index.html" if url.endswith("/") else url] = paper.first_seen.strftime(
                "%Y-%m"
            )
        return months

    def _size(self, site_dir: Path, skip: Collection[str] = ()) -> sitesize.SiteSize:
        """The site's size (:func:`generator.sitesize.measure`)."""
        assert self.generated is not None
        papers = len(self.generated.feed.papers)
        return sitesize.measure(site_dir, papers, self.config.size_limit_mb, skip)

    def _report_size(self, size: sitesize.SiteSize) -> None:
        """Keep the site's size for the build's report, and log it unless told not to."""
        self.site_size = size
        if self.log_size:
            log.info(f"paperfeed: the site is {size.summary()}")
            warning = size.warning()
            if warning:
                log.warning(f"paperfeed: {warning}")


def _keeping(step: Callable[[], T]) -> T:
    """``step`` of the process keeping the previous site's pages
    (:class:`generator.preview.Linking`): its OSError is the build's error."""
    try:
        return step()
    except OSError as e:
        # Abort: the message is the build's error as it is (a PluginError is logged and
        # replaced by "Aborted with a BuildError!").
        raise Abort(f"paperfeed: {e}; the next build renders every page") from None


def _collect(into: dict[str, str | bytes | Known], files: Iterable[tuple[str, Content]]) -> None:
    """A sink that keeps every file: text, bytes or :class:`Known` (pieces are joined)."""
    for path, content in files:
        if path in into:
            raise AssertionError(f"two generated pages want the path {path!r}")
        into[path] = content if isinstance(content, str | bytes | Known) else b"".join(content)
