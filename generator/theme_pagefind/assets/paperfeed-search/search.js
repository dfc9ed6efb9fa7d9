/*
 * paperfeed: drive Material's search box (partials/search.html) with Pagefind.
 *
 * Pagefind's bundle is loaded on first use (focus or typing), from the URL the template
 * resolved relative to the page, so the site works under any sub-path. Result titles are
 * set as text; excerpts keep only Pagefind's <mark> highlights and everything else becomes
 * text, so indexed text never turns into markup.
 */
(function () {
  "use strict";

  var box = document.querySelector("[data-paperfeed-search]");
  if (!box) return;
  var form = box.querySelector("form");
  var input = box.querySelector("input[name=query]");
  var meta = box.querySelector(".md-search-result__meta");
  var list = box.querySelector(".md-search-result__list");
  var scroll = box.querySelector(".md-search__scrollwrap");
  var toggle = document.getElementById("__search");
  var text = box.dataset;
  var bundleUrl = new URL(box.dataset.bundle, document.baseURI).href;
  var PAGE = 10;
  /* Words in nearly every abstract: their index chunks are the largest (~100 KB at 10,000
     papers) and Pagefind matches all words anyway, so they are dropped from longer queries. */
  var STOP = /^(a|an|and|are|as|at|by|for|from|in|is|of|on|or|the|to|with)$/i;

  function terms(query) {
    var words = query.split(/\s+/).filter(Boolean);
    var kept = words.filter(function (w) { return !STOP.test(w); });
    return (kept.length ? kept : words).join(" ");
  }

  var pagefind = null;
  var results = [];
  var shown = 0;
  var generation = 0;
  /* A large feed's index is in shards (paperfeed-shards.json, beside pagefind.js: each
     closed shard's bundle, and the id of its vocabulary page in the primary index),
     merged here, each closed shard's pages in the filter paperfeed:<shard>. The
     vocabulary pages (filter paperfeed:words) give the primary every word of the site. A
     search first asks which of them hold the query, then leaves out the shards whose did
     not: such a shard would answer a word it lacks with another that shares its first
     letters. */
  var shardsListed = [];

  function shardList() {
    return fetch(new URL("paperfeed-shards.json", bundleUrl).href)
      .then(function (response) { return response.ok ? response.json() : []; })
      .catch(function () { return []; });
  }

  function load() {
    if (!pagefind) {
      pagefind = Promise.all([import(bundleUrl), shardList()]).then(function (loaded) {
        var pf = loaded[0];
        shardsListed = (Array.isArray(loaded[1]) ? loaded[1] : []).filter(function (shard) {
          return shard && typeof shard.bundle === "string" && typeof shard.words === "string";
        });
        /* noWorker: Pagefind's shared worker would add a 41 KB script to the first search. */
        return Promise.resolve(pf.options({ excerptLength: 30, noWorker: true }))
          .then(function () {
            return Promise.all(shardsListed.map(function (shard) {
              return pf.mergeIndex(new URL(shard.bundle, bundleUrl).href, {
                mergeFilter: { paperfeed: shard.bundle }
              });
            }));
          })
          .then(function () { return pf.init(); })
          .then(function () { return pf; });
      });
      pagefind.catch(function (error) {
        pagefind = null;
        meta.textContent = String(error);
      });
    }
    return pagefind;
  }

  /* The query's results; over shards, only from those whose vocabulary has the query. */
  function shardSearch(pf, query) {
    if (!shardsListed.length) return pf.search(query);
    return pf.search(query, { filters: { paperfeed: "words" } }).then(function (vocabularies) {
      if (!vocabularies) return null;
      var holding = {};
      vocabularies.results.forEach(function (r) { holding[r.id] = true; });
      var left = shardsListed.filter(function (shard) { return !holding[shard.words]; })
        .map(function (shard) { return shard.bundle; });
      return pf.search(query, { filters: { paperfeed: { none: ["words"].concat(left) } } });
    });
  }

  function setOpen(open) {
    if (toggle && toggle.checked !== open) {
      toggle.checked = open;
      toggle.dispatchEvent(new Event("change"));
    }
  }

  function count(n) {
    if (n === 0) return text.none;
    if (n === 1) return text.one;
    return text.other.replace("#", String(n));
  }

  /* Pagefind's excerpt is HTML: escaped text with <mark> around hits. Parse it in an
     inert document and copy only text and <mark> (as text) into the page. */
  function excerpt(html) {
    var p = document.createElement("p");
    var doc = new DOMParser().parseFromString(html, "text/html");
    doc.body.childNodes.forEach(function (node) {
      if (node.nodeName === "MARK") {
        var mark = document.createElement("mark");
        mark.textContent = node.textContent;
        p.appendChild(mark);
      } else {
        p.appendChild(document.createTextNode(node.textContent || ""));
      }
    });
    return p;
  }

  function render(data) {
    var item = document.createElement("li");
    item.className = "md-search-result__item";
    var link = document.createElement("a");
    link.className = "md-search-result__link";
    link.href = data.url;
    link.tabIndex = -1;
    var article = document.createElement("article");
    article.className = "md-search-result__article md-search-result__article--document md-typeset";
    var icon = document.createElement("div");
    icon.className = "md-search-result__icon md-icon";
    var title = document.createElement("h1");
    title.textContent = (data.meta && data.meta.title) || data.url;
    article.append(icon, title, excerpt(data.excerpt || ""));
    link.appendChild(article);
    item.appendChild(link);
    return item;
  }

  function more() {
    var mine = generation;
    var next = results.slice(shown, shown + PAGE);
    shown += next.length;
    return Promise.all(next.map(function (r) { return r.data(); })).then(function (all) {
      if (mine !== generation) return;
      all.forEach(function (data) { list.appendChild(render(data)); });
    });
  }

  function search() {
    var mine = ++generation;
    var query = input.value.trim();
    if (!query) {
      results = [];
      shown = 0;
      list.replaceChildren();
      meta.textContent = text.placeholder;
      return Promise.resolve();
    }
    return load()
      .then(function (pf) { return shardSearch(pf, terms(query)); })
      .then(function (found) {
        if (mine !== generation || !found) return;
        results = found.results;
        shown = 0;
        list.replaceChildren();
        meta.textContent = count(results.length);
        box.dataset.query = query;
        return more();
      });
  }

  var timer = null;
  input.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(search, 150);
  });
  input.addEventListener("focus", function () {
    setOpen(true);
    load();
  });
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var first = list.querySelector("a");
    if (first) first.click();
  });
  form.addEventListener("reset", function () {
    setTimeout(function () {
      search();
      input.focus();
    });
  });
  scroll.addEventListener("scroll", function () {
    if (shown < results.length && scroll.scrollTop + scroll.clientHeight >= scroll.scrollHeight - 40) {
      more();
    }
  });
  list.addEventListener("click", function (event) {
    if (event.target.closest("a")) setOpen(false);
  });
  if (toggle) {
    toggle.addEventListener("change", function () {
      if (toggle.checked && document.activeElement !== input) input.focus();
    });
  }
  document.addEventListener("keydown", function (event) {
    var open = toggle ? toggle.checked : document.activeElement === input;
    if (open && event.key === "Escape") {
      setOpen(false);
      input.blur();
      return;
    }
    var target = event.target;
    var typing = target && (target.isContentEditable || /^(INPUT|SELECT|TEXTAREA)$/.test(target.tagName));
    if (!open && !typing && !event.ctrlKey && !event.metaKey && !event.altKey &&
        (event.key === "/" || event.key === "s" || event.key === "f")) {
      event.preventDefault();
      setOpen(true);
      input.focus();
    }
  });
})();
