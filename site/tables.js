/* Hall of Shame: sortable and filterable tables, as a progressive extra. Without this script the
   tables read the same, in the order the publisher ranked them. A table opts in with
   data-sortable; a cell may give its sort key in data-sort (numbers); cells without a value sort
   last. Each <tbody> sorts on its own (a ranking's "no data" rows stay after the ranked ones)
   and its .group heading row stays on top. The first click on a number column sorts worst
   first: highest first, or lowest first where its header says data-worst="low" (uptime); a
   sorted column's click turns it round. data-filter adds a search box above the table, which
   says so when nothing matches. */
(function () {
  "use strict";

  function key(cell) {
    if (!cell) return null;
    var raw = cell.getAttribute("data-sort");
    if (raw === null) raw = cell.textContent.trim();
    if (raw === "") return null;
    var n = Number(raw);
    return isNaN(n) ? raw.toLowerCase() : n;
  }

  function compare(a, b, dir) {
    if (a === null && b === null) return 0;
    if (a === null) return 1;
    if (b === null) return -1;
    if (typeof a !== typeof b) { a = String(a); b = String(b); }
    return (a < b ? -1 : a > b ? 1 : 0) * dir;
  }

  function sortBy(table, th, index) {
    var now = th.getAttribute("aria-sort");
    var dir = now === "ascending" ? -1 : now === "descending" ? 1 : firstDirection(th);
    var heads = table.tHead.rows[0].cells;
    for (var i = 0; i < heads.length; i++) {
      if (heads[i].hasAttribute("aria-sort")) heads[i].setAttribute("aria-sort", "none");
    }
    th.setAttribute("aria-sort", dir === 1 ? "ascending" : "descending");
    Array.prototype.forEach.call(table.tBodies, function (body) {
      var rows = Array.prototype.filter.call(body.rows, function (row) {
        return !row.classList.contains("group");
      }).map(function (row, pos) {
        return { row: row, key: key(row.cells[index]), pos: pos };
      });
      rows.sort(function (a, b) { return compare(a.key, b.key, dir) || a.pos - b.pos; });
      rows.forEach(function (r) { body.appendChild(r.row); });
    });
  }

  function firstDirection(th) {
    if (!th.classList.contains("num")) return 1;
    return th.getAttribute("data-worst") === "low" ? 1 : -1;
  }

  function makeSortable(table) {
    if (!table.tHead || !table.tBodies.length) return;
    var heads = table.tHead.rows[0].cells;
    Array.prototype.forEach.call(heads, function (th, index) {
      var button = document.createElement("button");
      button.type = "button";
      while (th.firstChild) button.appendChild(th.firstChild);
      th.appendChild(button);
      if (!th.hasAttribute("aria-sort")) th.setAttribute("aria-sort", "none");
      button.addEventListener("click", function () { sortBy(table, th, index); });
    });
  }

  function addFilter(table) {
    var label = document.createElement("label");
    label.className = "filter-box";
    label.textContent = "Filter this table: ";
    var input = document.createElement("input");
    input.type = "search";
    input.setAttribute("aria-controls", table.id);
    label.appendChild(input);
    var box = table.closest(".table-wrap") || table;
    box.parentNode.insertBefore(label, box);
    var empty = document.createElement("p");
    empty.className = "filter-empty";
    empty.setAttribute("role", "status");
    box.parentNode.insertBefore(empty, box.nextSibling);
    input.addEventListener("input", function () {
      var q = input.value.trim().toLowerCase();
      var shown = 0;
      Array.prototype.forEach.call(table.querySelectorAll("tbody tr:not(.group)"), function (row) {
        row.hidden = q !== "" && row.textContent.toLowerCase().indexOf(q) === -1;
        if (!row.hidden) shown += 1;
      });
      empty.textContent = shown === 0 ? "Nothing in this table matches \u201c" + input.value.trim() + "\u201d." : "";
    });
  }

  var tables = document.querySelectorAll("table[data-sortable]");
  Array.prototype.forEach.call(tables, function (table) {
    makeSortable(table);
    if (table.hasAttribute("data-filter") && table.id) addFilter(table);
  });

  // Times are printed in the park's time (or UTC); the visitor's own time goes beside a page's
  // stamps and into every time's tooltip.
  Array.prototype.forEach.call(document.querySelectorAll("time[data-local]"), function (el) {
    var at = new Date(el.getAttribute("datetime"));
    if (isNaN(at.getTime())) return;
    var mine = at.toLocaleString(undefined, {
      day: "numeric", month: "short", year: "numeric", hour: "2-digit", minute: "2-digit",
      timeZoneName: "short"
    });
    el.title = "Your time: " + mine;
    if (el.closest(".site-footer, .stamp")) {
      var note = document.createElement("span");
      note.className = "your-time";
      note.textContent = " (your time: " + mine + ")";
      el.parentNode.insertBefore(note, el.nextSibling);
    }
  });
})();
