/* Hall of Shame embeds. The page is static and light by default; this script reads the frame's
   URL options and tells the framing page how tall the page is, so its iframe can fit it (the
   README's snippet listens for {type: "hallofshame:height", height} from our origin).
     ?theme=light|dark|auto   colour scheme (auto: the visitor's system preference)
     ?accent=RRGGBB           the shop's accent colour for links and the top rule
     ?rows=N                  ranked rows shown, 1 to 50 (default 10)
     ?columns=compact         rank, name, park, shame score and status only
     ?background=transparent  the shop's own background shows through
   A value out of range is ignored with one console warning; the default stays. */
(function () {
  "use strict";
  var root = document.documentElement;
  var params = new URLSearchParams(window.location.search);

  function warn(name, value, expected) {
    if (window.console) console.warn("Hall of Shame embed: ignoring " + name + "=" + value + " (expected " + expected + ")");
  }

  function option(name, test, expected) {
    if (!params.has(name)) return null;
    var value = params.get(name);
    if (test(value)) return value;
    warn(name, value, expected);
    return null;
  }

  var theme = option("theme", function (v) { return /^(light|dark|auto)$/.test(v); }, "light, dark or auto");
  if (theme) root.setAttribute("data-theme", theme);

  var accent = option("accent", function (v) { return /^[0-9a-fA-F]{6}$/.test(v); }, "six hex digits, RRGGBB");
  if (accent) root.style.setProperty("--embed-accent", "#" + accent);

  var columns = option("columns", function (v) { return v === "compact"; }, "compact");
  if (columns) root.setAttribute("data-columns", columns);

  var background = option("background", function (v) { return v === "transparent"; }, "transparent");
  if (background) root.setAttribute("data-background", background);

  var rows = option("rows", function (v) { return /^[0-9]{1,2}$/.test(v) && +v >= 1 && +v <= 50; }, "a whole number from 1 to 50");
  if (rows) showRows(+rows);

  function showRows(n) {
    var body = document.querySelector("table.ranking tbody");
    if (!body) return;
    var shown = 0;
    Array.prototype.forEach.call(body.querySelectorAll("tr[data-id]"), function (row, i) {
      row.hidden = i >= n;
      if (!row.hidden) shown += 1;
    });
    var count = document.querySelector(".embed-shown");
    if (count) count.textContent = String(shown);
    var more = document.querySelector(".embed-more");
    if (more) more.hidden = shown >= +more.getAttribute("data-ranked");
  }

  if (window.parent === window) return;
  var last = 0;
  function post() {
    var height = Math.ceil(root.getBoundingClientRect().height);
    if (height === last) return;
    last = height;
    window.parent.postMessage({ type: "hallofshame:height", height: height }, "*");
  }
  window.addEventListener("load", post);
  window.addEventListener("resize", post);
  if (window.ResizeObserver) new ResizeObserver(post).observe(root);
  post();
})();
