// The docs site's one script. Everything it does is a comfort: without it, tabs are links to
// each language's page, the output is plain text and the pager links still lead from one
// example to the next.
(function () {
  "use strict";

  var root = document.body.getAttribute("data-root") || "";

  // Copy buttons: clipboard API where allowed, a selected textarea otherwise.
  function copyText(text) {
    if (navigator.clipboard && window.isSecureContext) {
      return navigator.clipboard.writeText(text);
    }
    return new Promise(function (resolve, reject) {
      var area = document.createElement("textarea");
      area.value = text;
      area.setAttribute("readonly", "");
      area.style.position = "fixed";
      area.style.opacity = "0";
      document.body.appendChild(area);
      area.select();
      var ok = document.execCommand("copy");
      document.body.removeChild(area);
      if (ok) { resolve(); } else { reject(new Error("copy refused")); }
    });
  }

  // The run command's button carries its text; the program's button copies the whole source,
  // which the page carries as JSON (so copying needs no request and works over file://).
  function copySource(button) {
    if (button.hasAttribute("data-copy")) { return button.getAttribute("data-copy"); }
    var data = document.getElementById("program-source");
    return data ? JSON.parse(data.textContent) : "";
  }

  function setUpCopy(scope) {
    scope.querySelectorAll("button.copy").forEach(function (button) {
      button.hidden = false;
      var label = button.textContent;
      button.addEventListener("click", function () {
        copyText(copySource(button)).then(function () {
          button.textContent = "Copied";
          button.classList.add("done");
        }, function () {
          button.textContent = "Select and copy";
        });
        setTimeout(function () {
          button.textContent = label;
          button.classList.remove("done");
        }, 2000);
      });
    });
  }

  // Search, from the index `nbe build` wrote (src/site/search.rs): titles, descriptions, prose and
  // the commands, subjects and headers in the code. Every word of the query must match, in any
  // order: as a substring (so a prefix, `orders.*` or `nats-msg-id` matches), or, for words of four
  // letters or more, within one typo (a letter changed, added, dropped or two swapped) of an
  // indexed word or of its beginning. Title hits rank first. It is written here rather than taken
  // from a search library so that search needs nothing from npm: a site built without
  // node_modules still searches, and the matching is these few lines.
  function wordsOf(text) {
    var seen = {};
    return text.split(/[\s,;:()\[\]{}"'`\/]+/).filter(function (w) {
      if (!w || seen[w]) { return false; }
      seen[w] = true;
      return true;
    });
  }

  // At most one edit (substitution, insertion, deletion, adjacent swap) between a and b.
  function oneEdit(a, b) {
    var la = a.length, lb = b.length;
    if (Math.abs(la - lb) > 1) { return false; }
    var i = 0;
    while (i < la && i < lb && a.charAt(i) === b.charAt(i)) { i++; }
    if (i === la && i === lb) { return true; }
    if (la === lb) {
      return a.slice(i + 1) === b.slice(i + 1) ||
        (a.charAt(i) === b.charAt(i + 1) && a.charAt(i + 1) === b.charAt(i) && a.slice(i + 2) === b.slice(i + 2));
    }
    return la > lb ? a.slice(i + 1) === b.slice(i) : a.slice(i) === b.slice(i + 1);
  }

  // Whether query `word` is within one typo of indexed word `c` or of its beginning.
  function near(word, c) {
    if (word.length < 4) { return false; }
    return oneEdit(word, c) || (c.length > word.length &&
      (oneEdit(word, c.slice(0, word.length)) || oneEdit(word, c.slice(0, word.length + 1))));
  }

  // Each field is an inverted index from word to the entries holding it, so a query looks at
  // every distinct word once, however many pages share it. A query word scores, per entry, the
  // best of the fields it matches (exactly, else within one typo).
  var FIELDS = [
    { name: "title", exact: 10, near: 5 },
    { name: "terms", exact: 4, near: 1 },
    { name: "body", exact: 2, near: 1 },
  ];

  function prepare(entries) {
    var fields = FIELDS.map(function (field) { return { field: field, words: new Map() }; });
    entries.forEach(function (entry, id) {
      var texts = {
        title: entry.title,
        terms: (entry.terms || []).join(" "),
        body: [entry.text, entry.prose || "", (entry.langs || []).join(" "), entry.kind, entry.url].join(" "),
      };
      fields.forEach(function (index) {
        wordsOf(texts[index.field.name].toLowerCase()).forEach(function (word) {
          var ids = index.words.get(word);
          if (ids) { ids.push(id); } else { index.words.set(word, [id]); }
        });
      });
    });
    return { entries: entries, fields: fields };
  }

  // The best score of `word` in every entry it matches, by entry id.
  function wordScores(prepared, word) {
    var scores = new Map();
    var give = function (ids, score) {
      for (var i = 0; i < ids.length; i++) {
        if ((scores.get(ids[i]) || 0) < score) { scores.set(ids[i], score); }
      }
    };
    prepared.fields.forEach(function (index) {
      index.words.forEach(function (ids, candidate) {
        if (candidate.indexOf(word) >= 0) { give(ids, index.field.exact); }
        else if (near(word, candidate)) { give(ids, index.field.near); }
      });
    });
    return scores;
  }

  // The entries matching every word of `text`, best first.
  function query(prepared, text, limit) {
    var words = wordsOf(text.toLowerCase());
    if (!words.length) { return []; }
    var total = wordScores(prepared, words[0]);
    for (var i = 1; i < words.length && total.size; i++) {
      var scores = wordScores(prepared, words[i]);
      var both = new Map();
      total.forEach(function (score, id) {
        if (scores.has(id)) { both.set(id, score + scores.get(id)); }
      });
      total = both;
    }
    var hits = [];
    total.forEach(function (score, id) { hits.push({ entry: prepared.entries[id], order: id, score: score }); });
    return hits
      .sort(function (a, b) { return b.score - a.score || a.order - b.order; })
      .slice(0, limit || 12);
  }

  // The engine, for the browser tests and the search benchmark.
  window.nbeSearch = { prepare: prepare, query: query };

  // The part of `text` that holds the most of the query's words (the earliest such part), cut at
  // word boundaries; its beginning when only a typo matched.
  function snippetOf(text, words) {
    text = text.replace(/\s+/g, " ").trim();
    var lower = text.toLowerCase();
    var at = -1;
    var best = 0;
    words.forEach(function (word) {
      for (var found = lower.indexOf(word); found >= 0; found = lower.indexOf(word, found + 1)) {
        var part = lower.slice(found, found + 110);
        var held = words.filter(function (w) { return part.indexOf(w) >= 0; }).length;
        if (held > best || (held === best && found < at)) { best = held; at = found; }
      }
    });
    var from = Math.max(0, at - 50);
    if (from > 0) { from = text.indexOf(" ", from) + 1 || from; }
    var to = Math.min(text.length, from + 160);
    if (to < text.length) { to = text.lastIndexOf(" ", to) > from ? text.lastIndexOf(" ", to) : to; }
    return (from > 0 ? "… " : "") + text.slice(from, to) + (to < text.length ? " …" : "");
  }

  // Fills `element` with `text`, the query words in it wrapped in <mark> (as text nodes, never HTML).
  function marked(element, text, words) {
    var escaped = words.filter(function (w) { return w.length > 1; }).map(function (w) {
      return w.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
    });
    if (!escaped.length) { element.textContent = text; return; }
    var pattern = new RegExp("(" + escaped.join("|") + ")", "ig");
    text.split(pattern).forEach(function (part, i) {
      if (i % 2) {
        var mark = document.createElement("mark");
        mark.textContent = part;
        element.appendChild(mark);
      } else if (part) {
        element.appendChild(document.createTextNode(part));
      }
    });
  }

  var form = document.querySelector("form.search");
  var entries = window.NBE_SEARCH || [];
  if (form && entries.length) {
    form.hidden = false;
    var input = form.querySelector("input");
    var list = form.querySelector(".results");
    var active = -1;
    var prepared = null;

    var show = function () {
      list.textContent = "";
      active = -1;
      if (!input.value.trim()) { list.hidden = true; return; }
      prepared = prepared || prepare(entries);
      var hits = query(prepared, input.value, 12);
      if (!hits.length) {
        var none = document.createElement("li");
        none.textContent = "No example matches.";
        list.appendChild(none);
      }
      var words = wordsOf(input.value.toLowerCase());
      hits.forEach(function (hit) {
        var item = document.createElement("li");
        var link = document.createElement("a");
        link.href = root + hit.entry.url;
        var title = document.createElement("span");
        title.className = "hit-title";
        marked(title, hit.entry.title, words);
        link.appendChild(title);
        var where = document.createElement("span");
        where.className = "hit-where";
        where.textContent = hit.entry.kind + (hit.entry.langs ? " · " + hit.entry.langs.join(", ") : "");
        link.appendChild(where);
        var snippet = document.createElement("small");
        snippet.className = "snippet";
        marked(snippet, snippetOf([hit.entry.text, hit.entry.prose || ""].join(" "), words), words);
        link.appendChild(snippet);
        item.appendChild(link);
        list.appendChild(item);
      });
      list.hidden = false;
    };

    var move = function (step) {
      var links = list.querySelectorAll("a");
      if (!links.length) { return; }
      if (active >= 0) { links[active].classList.remove("active"); }
      active = (active + step + links.length) % links.length;
      links[active].classList.add("active");
      links[active].scrollIntoView({ block: "nearest" });
    };

    // The index is read when the box gets focus, so the first keystroke does not wait for it.
    input.addEventListener("focus", function () { prepared = prepared || prepare(entries); });
    input.addEventListener("input", show);
    input.addEventListener("keydown", function (event) {
      if (event.key === "ArrowDown") { move(1); event.preventDefault(); }
      else if (event.key === "ArrowUp") { move(-1); event.preventDefault(); }
      else if (event.key === "Escape") { input.value = ""; show(); input.blur(); }
    });
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var links = list.querySelectorAll("a");
      var target = links[Math.max(active, 0)];
      if (target) { window.location.href = target.href; }
    });
    document.addEventListener("click", function (event) {
      if (!form.contains(event.target)) { list.hidden = true; }
    });
  }

  // Keyboard: j and k follow the page's rel=next and rel=prev links, / focuses the search.
  // The hint in the footer is shown only now, since without this script it would not be true.
  document.querySelectorAll(".keys").forEach(function (hint) { hint.hidden = false; });
  document.addEventListener("keydown", function (event) {
    if (event.altKey || event.ctrlKey || event.metaKey || event.defaultPrevented) { return; }
    var target = event.target;
    if (target && (target.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName))) { return; }
    if (target && target.closest && target.closest(".player")) { return; }
    var rel = { j: "next", k: "prev" }[event.key];
    if (rel) {
      var link = document.querySelector('link[rel="' + rel + '"]');
      if (link) { window.location.href = link.href; }
    } else if (event.key === "/" && form && !form.hidden) {
      event.preventDefault();
      form.querySelector("input").focus();
    }
  });

  // The recording replays in place of the output text, at the same width and in the page's
  // monospace font; the asciicast is inlined as JSON, so playing it needs no request.
  function setUpReplay(scope) {
    if (!window.AsciinemaPlayer) { return; }
    scope.querySelectorAll("button.replay[data-cast]").forEach(function (button) {
      var data = document.getElementById(button.getAttribute("data-cast"));
      var screen = button.closest(".output").querySelector(".screen");
      if (!data || !screen) { return; }
      button.hidden = false;
      button.setAttribute("aria-pressed", "false");
      var holder = null;
      button.addEventListener("click", function () {
        if (holder) {
          holder.remove();
          holder = null;
          screen.hidden = false;
          button.textContent = "Replay";
          button.setAttribute("aria-pressed", "false");
          return;
        }
        var cast = JSON.parse(data.textContent);
        var options = {
          fit: "width",
          autoPlay: true,
          idleTimeLimit: 2,
          terminalFontFamily: getComputedStyle(document.documentElement).getPropertyValue("--mono"),
          terminalLineHeight: 1.17,
        };
        // A recording sized to its whole output would be pages tall; a real terminal's height scrolls.
        try {
          var header = JSON.parse(cast.slice(0, cast.indexOf("\n")));
          if (header.height > 36) { options.rows = 36; }
        } catch (e) { /* a header the player cannot read either: let it report the error */ }
        holder = document.createElement("div");
        holder.className = "player";
        screen.parentNode.insertBefore(holder, screen);
        // Fitted to a phone's width, a wide terminal's text is a few pixels tall: there the
        // terminal keeps a readable size and its box scrolls sideways instead.
        if (screen.clientWidth < 640) {
          options.fit = false;
          options.terminalFontSize = "12px";
          holder.style.overflowX = "auto";
        }
        screen.hidden = true;
        window.AsciinemaPlayer.create({ data: cast }, holder, options);
        button.textContent = "Show the text";
        button.setAttribute("aria-pressed", "true");
      });
    });
  }

  // The sidebar is a disclosure on phones, and always open beside the page on wider screens.
  var toc = document.querySelector("details.toc");
  if (toc && window.matchMedia("(min-width: 64rem)").matches) { toc.open = true; }

  // Languages. The reader's choice is remembered (localStorage), so links to an example lead to
  // its page in that language, and a tab switches in place: the page of the other language is
  // fetched and its content swapped in, under its own URL. Each language keeps its own page, so
  // without this script (or over file://, where fetching is refused) a tab is a plain link.
  var LANG_KEY = "nbe-language";
  function remembered() {
    try { return window.localStorage.getItem(LANG_KEY); } catch (e) { return null; }
  }
  function remember(kind) {
    try { window.localStorage.setItem(LANG_KEY, kind); } catch (e) { /* private mode: no memory */ }
  }

  // Links to an example's page (data-langs="kind=dir ...") go to the remembered language's page.
  function followLanguage(scope) {
    var kind = remembered();
    if (!kind) { return; }
    scope.querySelectorAll("a[data-langs]").forEach(function (link) {
      link.getAttribute("data-langs").split(" ").forEach(function (pair) {
        var parts = pair.split("=");
        if (parts[0] === kind && /index\.html$/.test(link.getAttribute("href"))) {
          link.setAttribute("href", link.getAttribute("href").replace(/index\.html$/, parts[1] + "/index.html"));
          link.removeAttribute("data-langs");
        }
      });
    });
  }

  function setUpPage(scope) {
    setUpCopy(scope);
    setUpReplay(scope);
    followLanguage(scope);
    scope.querySelectorAll(".tabs a[data-lang]").forEach(function (tab) {
      tab.addEventListener("click", function (event) {
        if (event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) { return; }
        remember(tab.getAttribute("data-lang"));
        if (tab.getAttribute("aria-current") === "page") { event.preventDefault(); return; }
        event.preventDefault();
        switchTo(tab.href, true, tab.getAttribute("data-lang"));
      });
    });
    scope.querySelectorAll(".langs a[data-lang]").forEach(function (chip) {
      chip.addEventListener("click", function () { remember(chip.getAttribute("data-lang")); });
    });
  }

  // Swaps in the content of the page at `url`; on any failure, goes there instead.
  function switchTo(url, push, kind) {
    if (!window.fetch || !window.DOMParser || location.protocol === "file:") {
      location.href = url;
      return;
    }
    fetch(url).then(function (response) {
      if (!response.ok) { throw new Error(response.status); }
      return response.text();
    }).then(function (html) {
      var next = new DOMParser().parseFromString(html, "text/html");
      var parts = ["main", ".pager-top", ".pager-bottom", ".sidebar .toc-list", ".crumbs"];
      if (!parts.every(function (part) { return !document.querySelector(part) === !next.querySelector(part); })) {
        throw new Error("another kind of page");
      }
      if (push) { history.pushState({ nbe: true }, "", url); } else { history.replaceState({ nbe: true }, "", url); }
      parts.forEach(function (part) {
        var old = document.querySelector(part);
        if (old) { old.replaceWith(document.adoptNode(next.querySelector(part))); }
      });
      ["prev", "next"].forEach(function (rel) {
        var old = document.querySelector('link[rel="' + rel + '"]');
        var fresh = next.querySelector('link[rel="' + rel + '"]');
        if (old) { old.remove(); }
        if (fresh) { document.head.appendChild(document.adoptNode(fresh)); }
      });
      document.title = next.title;
      ["data-root", "data-kind", "data-own"].forEach(function (name) {
        document.body.setAttribute(name, next.body.getAttribute(name) || "");
      });
      root = document.body.getAttribute("data-root") || "";
      setUpPage(document);
      var tab = document.querySelector('.tabs a[data-lang="' + kind + '"]');
      if (tab) { tab.focus({ preventScroll: true }); }
    }).catch(function () { location.href = url; });
  }

  window.addEventListener("popstate", function (event) {
    if (event.state && event.state.nbe) { location.reload(); }
  });

  setUpPage(document);

  // A client's own page records the reader's language; an example's page (its default language)
  // shows the remembered one in its place, when the example has it.
  var here = document.body.getAttribute("data-kind");
  if (here && document.body.getAttribute("data-own") === "1") {
    remember(here);
  } else if (here) {
    var wanted = remembered();
    var tab = wanted && wanted !== here && document.querySelector('.tabs a[data-lang="' + wanted + '"]');
    if (tab) { switchTo(tab.href, false, wanted); }
  }
})();
