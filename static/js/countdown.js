// Live countdown for elements with data-deadline (ISO 8601). The server decides
// what is accepted; this is only a display.
(function () {
  var nodes = document.querySelectorAll("[data-deadline]");
  if (!nodes.length) return;
  function pad(n) { return n < 10 ? "0" + n : String(n); }
  function tick() {
    nodes.forEach(function (node) {
      var left = Date.parse(node.dataset.deadline) - Date.now();
      if (left <= 0) { node.textContent = node.dataset.closedText; node.classList.add("closed"); return; }
      var d = Math.floor(left / 86400000), h = Math.floor(left / 3600000) % 24;
      var m = Math.floor(left / 60000) % 60, s = Math.floor(left / 1000) % 60;
      node.textContent = node.dataset.template.replace("{d}", d).replace("{h}", pad(h))
        .replace("{m}", pad(m)).replace("{s}", pad(s));
    });
  }
  tick();
  setInterval(tick, 1000);
})();
