/*
 * The portal's own script: the collapsible navigation on narrow screens and one
 * confirmation dialog for destructive actions. No dependencies; htmx is loaded alongside.
 *
 * Confirm before acting: put data-confirm="question" on a <form>, on a submit button or on
 * a link (optionally data-confirm-label="Revoke" for the confirm button). htmx elements
 * with hx-confirm="question" get the same dialog. Everything works without this script;
 * the dialog only adds a second thought.
 */
(function () {
  "use strict";

  // --- Navigation: collapsed behind a "Menu" button on phones -------------------------
  function setUpNavigation() {
    var toggle = document.querySelector("[data-nav-toggle]");
    var nav = document.querySelector("[data-nav]");
    if (!toggle || !nav) {
      return;
    }
    toggle.hidden = false;
    nav.setAttribute("data-collapsed", "true");
    toggle.addEventListener("click", function () {
      var open = toggle.getAttribute("aria-expanded") === "true";
      toggle.setAttribute("aria-expanded", open ? "false" : "true");
      nav.setAttribute("data-collapsed", open ? "true" : "false");
    });
  }

  // --- Confirmation dialog ------------------------------------------------------------
  var dialog = null;

  function ask(question, okLabel) {
    // Resolves to true when the user confirms. Falls back to window.confirm where
    // <dialog> is missing (very old browsers).
    if (!dialog || typeof dialog.showModal !== "function") {
      return Promise.resolve(window.confirm(question));
    }
    var message = dialog.querySelector("[data-confirm-message]");
    var ok = dialog.querySelector("[data-confirm-ok]");
    message.textContent = question;
    ok.textContent = okLabel || ok.getAttribute("data-default-label");
    dialog.returnValue = "";
    dialog.showModal();
    return new Promise(function (resolve) {
      dialog.addEventListener(
        "close",
        function () {
          resolve(dialog.returnValue === "confirm");
        },
        { once: true }
      );
    });
  }

  function onSubmit(event) {
    var form = event.target;
    var submitter = event.submitter || null;
    var source = submitter && submitter.hasAttribute("data-confirm") ? submitter : form;
    if (!source.hasAttribute || !source.hasAttribute("data-confirm")) {
      return;
    }
    if (form.hasAttribute("data-confirmed")) {
      form.removeAttribute("data-confirmed");
      return;
    }
    event.preventDefault();
    ask(source.getAttribute("data-confirm"), source.getAttribute("data-confirm-label")).then(
      function (confirmed) {
        if (!confirmed) {
          return;
        }
        form.setAttribute("data-confirmed", "");
        if (typeof form.requestSubmit === "function") {
          form.requestSubmit(submitter);
        } else {
          form.submit();
        }
      }
    );
  }

  function onClick(event) {
    var link = event.target.closest && event.target.closest("a[data-confirm]");
    if (!link) {
      return;
    }
    event.preventDefault();
    ask(link.getAttribute("data-confirm"), link.getAttribute("data-confirm-label")).then(
      function (confirmed) {
        if (confirmed) {
          window.location.assign(link.href);
        }
      }
    );
  }

  function onHtmxConfirm(event) {
    // htmx fires htmx:confirm for every request; only hx-confirm ones carry a question.
    if (!event.detail || !event.detail.question) {
      return;
    }
    event.preventDefault();
    var label = event.detail.elt && event.detail.elt.getAttribute("data-confirm-label");
    ask(event.detail.question, label).then(function (confirmed) {
      if (confirmed) {
        event.detail.issueRequest(true);
      }
    });
  }

  // --- Tables shown as cards on phones (partials/table.html, cards=True) --------------
  // Each cell gets its column's heading as data-label, which the phone layout shows
  // before the value. The words are the page's own (the <th>s); without this script the
  // cards simply have no labels.
  function labelCardTables(root) {
    var tables = (root || document).querySelectorAll("table.table--cards");
    Array.prototype.forEach.call(tables, function (table) {
      var heads = Array.prototype.map.call(table.querySelectorAll("thead th"), function (th) {
        return th.textContent.replace(/\s+/g, " ").trim();
      });
      Array.prototype.forEach.call(table.querySelectorAll("tbody tr"), function (row) {
        Array.prototype.forEach.call(row.children, function (cell, index) {
          if (heads[index] && !cell.hasAttribute("data-label")) {
            cell.setAttribute("data-label", heads[index]);
          }
        });
      });
    });
  }

  function start() {
    dialog = document.querySelector("[data-confirm-dialog]");
    setUpNavigation();
    labelCardTables(document);
    document.body.addEventListener("htmx:afterSwap", function (event) {
      labelCardTables(event.target);
    });
    document.addEventListener("submit", onSubmit);
    document.addEventListener("click", onClick);
    // Any [data-print] button opens the browser's print dialog (the pages have print
    // styles); one handler for every page, no inline onclick (the CSP refuses those).
    document.addEventListener("click", function (event) {
      var button = event.target.closest && event.target.closest("[data-print]");
      if (button) {
        event.preventDefault();
        window.print();
      }
    });
    document.body.addEventListener("htmx:confirm", onHtmxConfirm);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
