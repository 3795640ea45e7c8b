/* Hall of Shame: a ride page's "Right now and today", filled in from its park's data file
   (published after every cycle; the ride page itself changes once a day). Without this script
   the section links to the park page, which shows the same numbers. Every value is set as
   text, never as markup: names and statuses come from outside. */
(function () {
  "use strict";

  var STATUS = {};  // the status words of the table of fields, from the page (data-statuses)
  var CARDS = [];  // the cards' fields, headings and decimals, from the page (data-cards)

  function shown(value, decimals) {
    if (value === null || value === undefined) return "\u2013";
    return decimals === null ? String(value) : Number(value).toFixed(decimals);
  }

  // a ride closed with its park says why (its park's file decides: park_closed)
  function status(ride, closedNote) {
    var word = STATUS[ride.status] || STATUS.unknown;
    return ride.park_closed && ride.status === "closed" ? word + " (" + closedNote + ")" : word;
  }

  function card(label, value) {
    var item = document.createElement("li");
    var name = document.createElement("span");
    name.className = "label";
    name.textContent = label;
    var figure = document.createElement("span");
    figure.className = "value";
    figure.textContent = value;
    item.appendChild(name);
    item.appendChild(document.createTextNode(" "));
    item.appendChild(figure);
    return item;
  }

  function fill(box, park, rideId) {
    var ride = null;
    (park.rides || []).forEach(function (r) { if (r.ride_id === rideId) ride = r; });
    if (!ride) return;
    var today = ride.today || {};
    var cards = document.createElement("ul");
    cards.className = "cards";
    CARDS.forEach(function (c) {
      var value = c.name === "status" ? status(ride, box.getAttribute("data-park-closed"))
        : shown((c.today ? today : ride)[c.name], c.decimals);
      cards.appendChild(card(c.label, value));
    });
    var stamp = document.createElement("p");
    stamp.className = "meta";
    var local = String(park.data_as_of_local || "");
    var ymd = local.slice(0, 10).split("-");
    stamp.textContent = "As of the cycle of " + Number(ymd[2]) + " " + MONTHS[Number(ymd[1]) - 1] +
      " " + ymd[0] + ", " + local.slice(11, 16) + " park time.";
    box.insertBefore(stamp, box.firstChild);
    box.insertBefore(cards, box.firstChild);
  }

  var MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
  var box = document.getElementById("live-now");
  if (!box || !window.fetch) return;
  var rideId = Number(box.getAttribute("data-ride-id"));
  STATUS = JSON.parse(box.getAttribute("data-statuses"));
  CARDS = JSON.parse(box.getAttribute("data-cards"));
  fetch(box.getAttribute("data-src"), { headers: { Accept: "application/json" } })
    .then(function (response) { return response.ok ? response.json() : null; })
    .then(function (park) { if (park) fill(box, park, rideId); })
    .catch(function () { /* the link to the park page stays */ });
})();
