// The challenge editor: show the qualification form (需求征集表) and hide the bid deadline
// while a call (批次) is chosen. Without JavaScript the server decides on the saved choice.
(function () {
  "use strict";
  var select = document.getElementById("id_call");
  var fieldset = document.querySelector("[data-need-qualification]");
  if (!select || !fieldset) return;
  var deadline = document.getElementById("id_bid_deadline");
  var deadlineBox = deadline ? deadline.closest(".field") : null;
  function update() {
    var inCall = select.value !== "";
    fieldset.hidden = !inCall;
    if (deadlineBox) deadlineBox.hidden = inCall;
  }
  select.addEventListener("change", update);
  update();
})();
