// The console's macro form: choosing a macro puts its filled-in reply in the text box (the
// agent may edit it before applying) and shows what else it does. textContent only.
(function () {
  "use strict";
  var select = document.getElementById("console-macro");
  if (!select) { return; }
  var body = document.getElementById("console-macro-body");
  var actions = document.querySelector("[data-testid='console-macro-actions']");
  select.addEventListener("change", function () {
    var option = select.options[select.selectedIndex];
    body.value = option ? (option.getAttribute("data-text") || "") : "";
    actions.textContent = option ? (option.getAttribute("data-actions") || "") : "";
  });
}());
