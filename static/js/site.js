// Behaviour every page may use, kept out of the templates (the Content-Security-Policy
// allows no inline script or event handler).
(function () {
  // <form class="js-confirm" data-confirm="Question?">: ask before submitting.
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (form.classList && form.classList.contains("js-confirm") && !window.confirm(form.dataset.confirm)) {
      event.preventDefault();
    }
  });
})();
(function () {
  // Below 640 px wide tables scroll inside their own box (static/css/site.css): a table that
  // scrolls gets a tab stop, so that a keyboard can scroll it too (WCAG 2.1.1).
  var pending = false;
  function markScrollingTables() {
    pending = false;
    document.querySelectorAll("main table").forEach(function (table) {
      var scrolls = table.scrollWidth > table.clientWidth + 1;
      if (scrolls && !table.hasAttribute("tabindex")) {
        table.setAttribute("tabindex", "0");
        table.dataset.scrollTabstop = "1";
      } else if (!scrolls && table.dataset.scrollTabstop) {
        table.removeAttribute("tabindex");
        delete table.dataset.scrollTabstop;
      }
    });
  }
  markScrollingTables();
  window.addEventListener("resize", function () {
    if (!pending) {
      pending = true;
      window.requestAnimationFrame(markScrollingTables);
    }
  });
})();
