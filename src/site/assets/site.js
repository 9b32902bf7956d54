// The docs site's one script. Everything it does is a comfort: without it, tabs are links,
// the output is plain text and the pager links still lead from one example to the next.
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

  // The run command's button carries its text; a code block's button copies the block beside it.
  function copySource(button) {
    if (button.hasAttribute("data-copy")) { return button.getAttribute("data-copy"); }
    var pre = button.parentNode.querySelector("pre");
    return pre ? pre.textContent : "";
  }

  document.querySelectorAll("button.copy, button.copy-code").forEach(function (button) {
    button.hidden = false;
    button.addEventListener("click", function () {
      copyText(copySource(button)).then(function () {
        button.textContent = "Copied";
        button.classList.add("done");
      }, function () {
        button.textContent = "Select and copy";
      });
      setTimeout(function () {
        button.textContent = "Copy";
        button.classList.remove("done");
      }, 2000);
    });
  });

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
      hits.forEach(function (hit) {
        var item = document.createElement("li");
        var link = document.createElement("a");
        link.href = root + hit.entry.url;
        link.textContent = hit.entry.title;
        var detail = document.createElement("small");
        detail.textContent = hit.entry.kind + (hit.entry.langs ? " · " + hit.entry.langs.join(", ") : "");
        link.appendChild(detail);
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

  // Recordings: the asciicast is inlined as JSON, so playing it needs no request (and works over file://).
  if (window.AsciinemaPlayer) {
    document.querySelectorAll(".player[data-cast]").forEach(function (element) {
      var data = document.getElementById(element.getAttribute("data-cast"));
      if (!data) { return; }
      var cast = JSON.parse(data.textContent);
      var options = { fit: "width", idleTimeLimit: 2, preload: true, poster: "npt:0:3" };
      // Recordings sized to their whole output would be pages tall; a real terminal's height scrolls.
      try {
        var header = JSON.parse(cast.slice(0, cast.indexOf("\n")));
        if (header.height > 36) { options.rows = 36; }
      } catch (e) { /* a header the player cannot read either: let it report the error */ }
      // Fitted to a phone's width, a wide terminal's text is a few pixels tall: below 40rem the
      // terminal keeps a readable size and its box scrolls sideways instead.
      if (element.clientWidth < 640) {
        options.fit = false;
        options.terminalFontSize = "12px";
      }
      element.textContent = "";
      window.AsciinemaPlayer.create({ data: cast }, element, options);
    });
  }
})();
