/* Hall of Shame: the search box finds any park or ride by name. Its index (/search.json, every
   name with its page) is fetched the first time the box is used, never on page load. Without
   this script the box opens the A-Z list of parks. */
(function () {
  "use strict";
  var form = document.querySelector("form.site-search");
  if (!form || !window.fetch) return;
  var input = form.querySelector("input");
  var list = form.querySelector(".search-results");
  var index = null;
  var loading = null;
  var MAX = 10;

  function load() {
    if (!loading) {
      loading = fetch(form.getAttribute("data-index"))
        .then(function (r) { return r.ok ? r.json() : { items: [] }; })
        .then(function (data) { index = data.items || []; })
        .catch(function () { index = []; });
    }
    return loading;
  }

  function show() {
    var q = input.value.trim().toLowerCase();
    list.textContent = "";
    if (q === "" || !index) { list.hidden = true; return; }
    var found = index.filter(function (row) { return row[0].toLowerCase().indexOf(q) !== -1; });
    found.slice(0, MAX).forEach(function (row) {
      var item = document.createElement("li");
      var link = document.createElement("a");
      link.href = row[1];
      link.textContent = row[0];
      item.appendChild(link);
      if (row[2]) {
        var park = document.createElement("span");
        park.className = "meta";
        park.textContent = " ride at " + row[2];
        item.appendChild(park);
      }
      list.appendChild(item);
    });
    if (!found.length) {
      var none = document.createElement("li");
      none.textContent = "No park or ride matches \u201c" + input.value.trim() + "\u201d.";
      list.appendChild(none);
    } else if (found.length > MAX) {
      var more = document.createElement("li");
      more.className = "meta";
      more.textContent = (found.length - MAX) + " more: type more of the name.";
      list.appendChild(more);
    }
    list.hidden = false;
  }

  input.addEventListener("input", function () { load().then(show); });
  form.addEventListener("submit", function (event) {
    var first = list.querySelector("a");
    if (first) { event.preventDefault(); window.location.href = first.href; }
  });
})();
