// The expert import runs synchronously: on submit, disable the button and show that the
// page is working (templates/review/pool_import_form.html). No dependencies.
document.querySelectorAll("form.pool-import").forEach(function (form) {
  form.addEventListener("submit", function () {
    var button = form.querySelector("button[type=submit]");
    var busy = form.querySelector(".pool-busy");
    if (button) {
      // Disable after the submission has started, or the browser would not send the form.
      setTimeout(function () { button.disabled = true; }, 0);
      if (button.dataset.busyLabel) { button.textContent = button.dataset.busyLabel; }
    }
    if (busy) { busy.hidden = false; }
    form.setAttribute("aria-busy", "true");
  });
});
