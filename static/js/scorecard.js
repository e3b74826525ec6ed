// The live scorecard (templates/scoring/scorecard.html): part 4 of 4, loaded last.
//
// The show/hide-all-guidance toggle, and the wiring of the other parts to the page:
// scorecard-drafts.js (autosave's drafts, conflicts, submit), scorecard-keys.js (number
// keys pick a score) and scorecard-clock.js (the clock).
(function () {
  "use strict";

  var sc = window.LoopwrightScorecard;
  var store = sc.store;
  var each = sc.each;

  // --- Guidance: show or hide it all ----------------------------------------------------

  var GUIDANCE_KEY = "loopwright:guidance";

  function applyGuidance(root) {
    var hidden = store.get(GUIDANCE_KEY) === "hidden";
    each(root.querySelectorAll("details.sc-guidance"), function (details) {
      details.open = !hidden;
    });
    var button = document.querySelector("[data-guidance-toggle]");
    if (button) {
      button.hidden = false;
      button.textContent = hidden ? "Show all guidance" : "Hide all guidance";
    }
  }

  function toggleGuidance() {
    store.set(GUIDANCE_KEY, store.get(GUIDANCE_KEY) === "hidden" ? "shown" : "hidden");
    applyGuidance(document);
  }

  var clock = null;

  // --- Wiring ----------------------------------------------------------------------------

  function init(root) {
    var forms = root.matches && root.matches("form[data-autosave]") ? [root] : root.querySelectorAll("form[data-autosave]");
    each(forms, function (form) {
      if (form.dataset.scInit) {
        return;
      }
      form.dataset.scInit = "1";
      sc.watch(form);
    });
    if (root.querySelectorAll) {
      applyGuidance(root);
      if (clock) {
        clock.render();
      }
    }
  }

  function onClick(event) {
    var target = event.target.closest ? event.target.closest("button, a") : null;
    if (!target) {
      return;
    }
    if (target.matches("[data-conflict]")) {
      sc.onConflictChoice(target);
    } else if (target.matches("[data-guidance-toggle]")) {
      toggleGuidance();
    } else if (clock && target.matches("[data-clock-toggle]")) {
      clock.toggle();
    } else if (clock && target.matches("[data-clock-reset]")) {
      if (window.confirm("Reset the clock to zero for the stage and every question?")) {
        clock.reset();
      }
    } else if (clock && target.matches("[data-now-asking]")) {
      clock.ask(target.dataset.nowAsking);
      sc.markAsked(target.dataset.nowAsking);
    } else if (target.matches(".error-summary a[href^='#']")) {
      var field = document.getElementById(target.getAttribute("href").slice(1));
      if (field) {
        event.preventDefault();
        field.focus();
        field.scrollIntoView({ block: "center" });
      }
    }
  }

  document.addEventListener("DOMContentLoaded", function () {
    var submitted = document.querySelector("[data-forget-drafts]");
    if (submitted) {
      sc.forgetScorecard(submitted.dataset.forgetDrafts);
    }
    if (!window.htmx || !document.getElementById("scorecard")) {
      return;
    }
    var box = document.querySelector("[data-clock]");
    if (box) {
      clock = new sc.Clock(box);
      sc.secondsFor = function (form) {
        return clock.secondsFor(form);
      };
      window.setInterval(function () {
        if (clock.state.running) {
          clock.tick();
        }
      }, 1000);
    }
    document.body.addEventListener("htmx:confirm", sc.onConfirm);
    document.body.addEventListener("htmx:configRequest", sc.onConfigRequest);
    document.body.addEventListener("htmx:beforeRequest", sc.onBeforeRequest);
    document.body.addEventListener("htmx:beforeSwap", sc.onBeforeSwap);
    document.body.addEventListener("htmx:afterRequest", sc.onAfterRequest);
    document.addEventListener("click", onClick);
    document.addEventListener("keydown", sc.onKeydown);
    document.addEventListener("submit", sc.onSubmit);
    window.addEventListener("online", sc.retryFailing);
    window.htmx.onLoad(init);
    var summary = document.querySelector("[data-focus-on-load]");
    if (summary) {
      summary.focus();
    }
  });
})();
