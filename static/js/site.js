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
