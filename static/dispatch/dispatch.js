/*
 * The dispatch form's target tree: ticking an area ("all communities of this street")
 * ticks everything under it, unticking one community unticks the areas above it, and an
 * area with only some communities ticked shows as partly ticked. "Select the admitted
 * scope" ticks what the chosen work item covers. No text of its own (labels come from
 * the template); without this script the server expands ticked areas all the same.
 */
(function () {
  "use strict";

  function boxesUnder(item) {
    return item.querySelectorAll("ul input[type=checkbox]");
  }

  function refresh(tree) {
    // Deepest areas first, so a street's state is known before its district's.
    var areas = Array.prototype.slice.call(tree.querySelectorAll("li[data-area]")).reverse();
    areas.forEach(function (item) {
      var own = item.querySelector(":scope > details > summary input, :scope > label input");
      if (!own) {
        return;
      }
      var children = item.querySelectorAll(":scope > details > ul > li > label input, :scope > details > ul > li > details > summary input");
      var ticked = 0;
      var partly = false;
      children.forEach(function (box) {
        if (box.checked) {
          ticked += 1;
        }
        if (box.indeterminate) {
          partly = true;
        }
      });
      if (children.length && ticked === children.length) {
        own.checked = true;
        own.indeterminate = false;
      } else {
        if (children.length) {
          own.checked = false;
        }
        own.indeterminate = partly || ticked > 0;
      }
    });
  }

  function onChange(event) {
    var box = event.target;
    var tree = box.closest && box.closest("[data-target-tree]");
    if (!tree || box.type !== "checkbox") {
      return;
    }
    var item = box.closest("li");
    if (item && item.hasAttribute("data-area")) {
      boxesUnder(item).forEach(function (child) {
        child.checked = box.checked;
        child.indeterminate = false;
      });
    }
    refresh(tree);
  }

  function onClick(event) {
    var button = event.target.closest && event.target.closest("[data-select-scope]");
    if (!button) {
      return;
    }
    event.preventDefault();
    var tree = document.querySelector("[data-target-tree]");
    if (!tree) {
      return;
    }
    tree.querySelectorAll("input[type=checkbox]").forEach(function (box) {
      box.checked = box.closest("li").hasAttribute("data-in-scope");
      box.indeterminate = false;
    });
    refresh(tree);
  }

  function start() {
    document.addEventListener("change", onChange);
    document.addEventListener("click", onClick);
    document.querySelectorAll("[data-target-tree]").forEach(refresh);
    document.body.addEventListener("htmx:afterSettle", function () {
      document.querySelectorAll("[data-target-tree]").forEach(refresh);
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
