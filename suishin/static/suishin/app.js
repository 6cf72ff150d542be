// suishin — small progressive enhancements; every page works without them.
(function () {
  "use strict";

  // Phone width: the menu button opens and closes the side navigation.
  document.querySelectorAll("[data-nav-toggle]").forEach(function (button) {
    button.addEventListener("click", function () {
      var nav = document.getElementById(button.getAttribute("aria-controls"));
      var open = nav.classList.toggle("open");
      button.setAttribute("aria-expanded", open ? "true" : "false");
    });
  });

  // A table wider than the screen scrolls inside its .table-wrap: that box must be
  // reachable with the keyboard (Tab, then the arrow keys) and named for screen readers.
  function tableName(wrap) {
    var table = wrap.querySelector("table");
    var caption = table && table.caption ? table.caption.textContent.trim() : "";
    if (caption) return caption;
    if (table && table.getAttribute("aria-label")) return table.getAttribute("aria-label");
    var el = wrap.previousElementSibling;
    while (el && !/^H[1-6]$/.test(el.tagName)) el = el.previousElementSibling;
    if (!el) {
      var section = wrap.closest("section");
      el = section ? section.querySelector("h1, h2, h3, h4") : null;
    }
    return el ? el.textContent.trim() : "表";
  }
  function markScrollable() {
    document.querySelectorAll(".table-wrap").forEach(function (wrap) {
      var scrolls = wrap.scrollWidth > wrap.clientWidth + 1;
      if (scrolls && !wrap.hasAttribute("tabindex")) {
        wrap.setAttribute("tabindex", "0");
        wrap.setAttribute("role", "region");
        wrap.setAttribute("aria-label", tableName(wrap) + "（横にスクロールできます）");
        wrap.setAttribute("data-scroll-marked", "");
      } else if (!scrolls && wrap.hasAttribute("data-scroll-marked")) {
        ["tabindex", "role", "aria-label", "data-scroll-marked"].forEach(function (a) { wrap.removeAttribute(a); });
      }
    });
  }
  markScrollable();
  window.addEventListener("resize", markScrollable);

  // Sortable tables: <th data-sort="num|text"> sorts the table's tbody rows.
  function cellValue(row, index, kind) {
    var cell = row.children[index];
    var raw = cell ? (cell.getAttribute("data-value") || cell.textContent.trim()) : "";
    if (kind === "num") {
      var n = parseFloat(raw.replace(/[,円件回名%]/g, "").replace("▲", "-"));
      return isNaN(n) ? -Infinity : n;
    }
    return raw;
  }
  document.querySelectorAll("table").forEach(function (table) {
    var headers = table.querySelectorAll("thead th[data-sort]");
    headers.forEach(function (th) {
      th.tabIndex = 0;
      function sort() {
        var index = Array.prototype.indexOf.call(th.parentNode.children, th);
        var kind = th.getAttribute("data-sort");
        var asc = th.getAttribute("aria-sort") !== "ascending";
        headers.forEach(function (h) { h.removeAttribute("aria-sort"); });
        th.setAttribute("aria-sort", asc ? "ascending" : "descending");
        var tbody = table.tBodies[0];
        var rows = Array.prototype.slice.call(tbody.querySelectorAll("tr:not(.total)"));
        var totals = Array.prototype.slice.call(tbody.querySelectorAll("tr.total"));
        rows.sort(function (a, b) {
          var x = cellValue(a, index, kind), y = cellValue(b, index, kind);
          var c = kind === "num" ? x - y : String(x).localeCompare(String(y), "ja");
          return asc ? c : -c;
        });
        rows.concat(totals).forEach(function (r) { tbody.appendChild(r); });
      }
      th.addEventListener("click", sort);
      th.addEventListener("keydown", function (e) { if (e.key === "Enter" || e.key === " ") { e.preventDefault(); sort(); } });
    });
  });

  // Quick filter: <input data-filter-table="ID"> hides rows not containing the text.
  document.querySelectorAll("input[data-filter-table]").forEach(function (input) {
    var table = document.getElementById(input.getAttribute("data-filter-table"));
    input.addEventListener("input", function () {
      var q = input.value.trim().toLowerCase();
      table.querySelectorAll("tbody tr").forEach(function (row) {
        row.hidden = q !== "" && row.textContent.toLowerCase().indexOf(q) === -1;
      });
    });
  });
})();
