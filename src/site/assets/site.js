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

  document.querySelectorAll("button.copy").forEach(function (button) {
    button.hidden = false;
    button.addEventListener("click", function () {
      copyText(button.getAttribute("data-copy")).then(function () {
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

  // Search over titles and descriptions, from the index the build wrote.
  var form = document.querySelector("form.search");
  var entries = window.NBE_SEARCH || [];
  if (form && entries.length) {
    form.hidden = false;
    var input = form.querySelector("input");
    var list = form.querySelector(".results");
    var active = -1;

    var score = function (entry, words) {
      var title = entry.title.toLowerCase();
      var text = (entry.text + " " + (entry.langs || []).join(" ")).toLowerCase();
      var total = 0;
      for (var i = 0; i < words.length; i++) {
        if (title.indexOf(words[i]) >= 0) { total += 3; }
        else if (text.indexOf(words[i]) >= 0) { total += 1; }
        else { return 0; }
      }
      return total;
    };

    var show = function () {
      var words = input.value.toLowerCase().split(/\s+/).filter(Boolean);
      list.textContent = "";
      active = -1;
      if (!words.length) { list.hidden = true; return; }
      var hits = entries
        .map(function (entry, order) { return { entry: entry, order: order, score: score(entry, words) }; })
        .filter(function (hit) { return hit.score > 0; })
        .sort(function (a, b) { return b.score - a.score || a.order - b.order; })
        .slice(0, 12);
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
      element.textContent = "";
      window.AsciinemaPlayer.create({ data: cast }, element, options);
    });
  }
})();
