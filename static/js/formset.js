// Add rows to Django formsets rendered by templates/bounty/_formset.html. No dependencies.
document.querySelectorAll(".formset").forEach(function (box) {
  var prefix = box.dataset.prefix;
  var total = box.querySelector("input[name='" + prefix + "-TOTAL_FORMS']");
  var template = box.querySelector("template.formset-empty");
  var rows = box.querySelector(".formset-rows");
  box.querySelector(".formset-add").addEventListener("click", function () {
    var index = parseInt(total.value, 10);
    var html = template.innerHTML.replace(/__prefix__/g, String(index));
    rows.insertAdjacentHTML("beforeend", html);
    total.value = String(index + 1);
  });
});
