/*
 * Certificates pages: the issue form's warning as soon as a prohibited
 * certificate is chosen. No text of its own: every word comes from the template. The pages
 * work without it (the server refuses prohibited types and the browser menu prints).
 */
(function () {
  "use strict";

  function setUpProhibitedHint() {
    var select = document.querySelector("select[data-certificate-type]");
    var hint = document.querySelector("[data-prohibited-hint]");
    var submit = document.querySelector("[data-issue-submit]");
    if (!select || !hint) {
      return;
    }
    function update() {
      var option = select.options[select.selectedIndex];
      var prohibited = option && option.getAttribute("data-status") === "prohibited";
      hint.hidden = !prohibited;
      if (prohibited) {
        hint.querySelector("[data-hint-redirect]").textContent =
          option.getAttribute("data-redirect") || "";
      }
      if (submit) {
        submit.textContent = submit.getAttribute(
          prohibited ? "data-label-refuse" : "data-label-issue"
        );
        submit.classList.toggle("button--danger", prohibited);
        submit.classList.toggle("button--primary", !prohibited);
      }
    }
    select.addEventListener("change", update);
    update();
  }

  document.addEventListener("DOMContentLoaded", function () {
    setUpProhibitedHint();
  });
})();
