(function () {
  "use strict";
  var list = document.getElementById("cards"), controls = document.getElementById("controls");
  if (!list || !controls) { return; }
  var cards = Array.prototype.slice.call(list.children), texts = null;
  var boxes = Array.prototype.slice.call(controls.querySelectorAll("input[type=checkbox]"));
  var search = document.getElementById("search"), sorter = document.getElementById("sort"), shown = document.getElementById("shown");
  var severity = {"self-contradiction": 0, "contradicted": 1, "disputed": 2, "supported": 3, "follow-up": 4, "no-evidence": 5};
  function verdict(card) { var m = /\bv-([a-z-]+)/.exec(card.className); return m ? m[1] : ""; }
  function order(card) { return parseInt(card.id.slice(1), 10) || 0; }
  function conf(card) { return parseFloat(card.getAttribute("data-conf")) || 0; }
  function date(card) { var el = card.querySelector("time"); return el ? el.getAttribute("datetime") : "9999"; }
  function who(card) { var el = card.querySelector(".who"); return el ? el.textContent.toLowerCase() : ""; }
  var orders = {
    severity: function (a, b) { return severity[verdict(a)] - severity[verdict(b)] || conf(b) - conf(a) || order(a) - order(b); },
    document: function (a, b) { return order(a) - order(b); },
    date: function (a, b) { return date(a).localeCompare(date(b)) || order(a) - order(b); },
    speaker: function (a, b) { return who(a).localeCompare(who(b)) || order(a) - order(b); }
  };
  function filter() {
    var on = {}, query = search.value.trim().toLowerCase(), count = 0;
    boxes.forEach(function (box) { on[box.value] = box.checked; });
    if (query && !texts) { texts = cards.map(function (card) { return card.textContent.toLowerCase(); }); }
    cards.forEach(function (card, i) {
      var visible = on[verdict(card)] !== false && (!query || texts[i].indexOf(query) >= 0);
      card.hidden = !visible;
      if (visible) { count += 1; }
    });
    shown.textContent = count + " of " + cards.length + " shown";
  }
  function sort() {
    cards.sort(orders[sorter.value] || orders.severity);
    var fragment = document.createDocumentFragment();
    cards.forEach(function (card) { fragment.appendChild(card); });
    list.appendChild(fragment);
    texts = null;
  }
  boxes.forEach(function (box) { box.addEventListener("change", filter); });
  search.addEventListener("input", filter);
  sorter.addEventListener("change", function () { sort(); filter(); });
  controls.hidden = false;
  filter();
}());
