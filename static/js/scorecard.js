// The live scorecard (templates/scoring/scorecard.html).
//
// htmx posts each part (a note, a rating, the overall part) as the interviewer types and
// swaps only the part's status element. This script adds what htmx cannot know:
// - every change is kept in localStorage until the server has it, so a failed save, a
//   closed tab or a dead network loses nothing; failed saves retry with backoff and when
//   the browser comes back online; on load, a kept draft is put back and sent;
// - the states "saving…" and "not saved — kept in this browser, retrying";
// - a refused stale save: "Keep mine" re-sends on top of the other version, "Use the
//   other version" puts it in the fields;
// - number keys pick a score; the clock; the show/hide-all-guidance toggle.
(function () {
  "use strict";

  var PREFIX = "loopwright:scorecard:";
  var RETRY_FIRST_MS = 1000;
  var RETRY_MAX_MS = 30000;
  var SKIPPED_FIELDS = ["revision", "csrfmiddlewaretoken", "part"];
  var parts = new WeakMap();

  document.documentElement.classList.add("js");

  // --- Storage that may be missing (private mode, full disk): never break the page.
  var store = {
    get: function (key) {
      try {
        var raw = window.localStorage.getItem(key);
        return raw ? JSON.parse(raw) : null;
      } catch (error) {
        return null;
      }
    },
    set: function (key, value) {
      try {
        window.localStorage.setItem(key, JSON.stringify(value));
      } catch (error) {
        /* Nothing more to do: the status still says "not saved". */
      }
    },
    drop: function (key) {
      try {
        window.localStorage.removeItem(key);
      } catch (error) {
        /* ignore */
      }
    },
  };

  // --- A part's form -------------------------------------------------------------

  function each(list, fn) {
    Array.prototype.forEach.call(list, fn);
  }

  function partOf(form) {
    if (!parts.has(form)) {
      parts.set(form, { saved: "", sent: "", inFlight: false, delay: 0, timer: null, force: false, failing: false, keepMine: false });
    }
    return parts.get(form);
  }

  function draftKey(form) {
    return PREFIX + form.dataset.autosave;
  }

  function revisionInput(form) {
    return form.querySelector('.save-status input[name="revision"]');
  }

  function statusOf(form) {
    return form.querySelector(".save-status");
  }

  function values(form) {
    // The part's own fields as the server names them; not the revision or the token.
    var data = {};
    each(form.elements, function (el) {
      if (!el.name || SKIPPED_FIELDS.indexOf(el.name) >= 0) {
        return;
      }
      if (el.type === "checkbox" && el.name === "ticks") {
        data.ticks = data.ticks || [];
        if (el.checked) {
          data.ticks.push(Number(el.value));
        }
      } else if (el.type === "checkbox") {
        data[el.name] = el.checked;
      } else if (el.type === "radio") {
        if (el.checked) {
          data[el.name] = el.value;
        } else if (!(el.name in data)) {
          data[el.name] = "";
        }
      } else if (el.tagName === "TEXTAREA" || el.type === "text") {
        data[el.name] = el.value;
      }
    });
    return data;
  }

  function fingerprint(form) {
    return JSON.stringify(values(form));
  }

  function fill(form, data) {
    each(form.elements, function (el) {
      if (!el.name || !(el.name in data)) {
        return;
      }
      var value = data[el.name];
      var text = value === null || value === undefined ? "" : String(value);
      if (el.type === "checkbox" && el.name === "ticks") {
        el.checked = (value || []).map(String).indexOf(el.value) >= 0;
      } else if (el.type === "checkbox") {
        el.checked = value === true || value === "on";
      } else if (el.type === "radio") {
        el.checked = text === el.value;
      } else if (el.tagName === "TEXTAREA" || el.type === "text") {
        el.value = text;
      }
    });
  }

  function setStatus(form, state, text) {
    var status = statusOf(form);
    if (!status) {
      return;
    }
    var input = revisionInput(form);
    status.dataset.state = state;
    status.className = "save-status save-status--" + state;
    each(Array.prototype.slice.call(status.childNodes), function (node) {
      if (node !== input) {
        status.removeChild(node);
      }
    });
    var span = document.createElement("span");
    span.className = "save-status__text";
    span.textContent = text;
    status.appendChild(span);
  }

  // --- Drafts kept in the browser ---------------------------------------------------

  function keep(form) {
    var part = partOf(form);
    if (fingerprint(form) === part.saved) {
      store.drop(draftKey(form));
      return;
    }
    store.set(draftKey(form), {
      revision: Number(revisionInput(form).value),
      values: values(form),
      at: Date.now(),
    });
  }

  function send(form) {
    partOf(form).force = true;
    window.htmx.trigger(form, "autosave");
  }

  function restore(form) {
    // A draft the server does not have: put it back and send it on the revision it was
    // typed on. If the server moved on meanwhile, the save is refused and both versions
    // are shown — typed words are never dropped silently.
    var draft = store.get(draftKey(form));
    if (!draft || !draft.values) {
      return;
    }
    if (JSON.stringify(draft.values) === partOf(form).saved) {
      store.drop(draftKey(form));
      return;
    }
    fill(form, draft.values);
    revisionInput(form).value = String(draft.revision);
    setStatus(form, "restored", "Restored from this browser, saving…");
    send(form);
  }

  function scheduleRetry(form) {
    var part = partOf(form);
    window.clearTimeout(part.timer);
    part.delay = Math.min(part.delay ? part.delay * 2 : RETRY_FIRST_MS, RETRY_MAX_MS);
    part.timer = window.setTimeout(function () {
      send(form);
    }, part.delay);
  }

  function settled(form) {
    var part = partOf(form);
    window.clearTimeout(part.timer);
    part.delay = 0;
    part.failing = false;
  }

  // --- htmx's request life cycle, for autosaved forms only ---------------------------

  function autosaveForm(event) {
    var elt = event.detail && event.detail.elt;
    return elt && elt.matches && elt.matches("form[data-autosave]") ? elt : null;
  }

  function onConfirm(event) {
    var form = autosaveForm(event);
    if (!form) {
      return;
    }
    var part = partOf(form);
    if (part.force) {
      part.force = false;
      return;
    }
    // A blur after the debounced save already went: nothing new to send.
    var state = statusOf(form) && statusOf(form).dataset.state;
    if (fingerprint(form) === part.saved && (state === "saved" || state === "idle")) {
      event.preventDefault();
    }
  }

  function onBeforeRequest(event) {
    var form = autosaveForm(event);
    if (!form) {
      return;
    }
    var part = partOf(form);
    part.sent = fingerprint(form);
    part.inFlight = true;
    keep(form);
    // A conflict keeps its choice buttons in place (the click may be on its way to one).
    var state = statusOf(form) && statusOf(form).dataset.state;
    if (!part.failing && state !== "conflict") {
      setStatus(form, "saving", "Saving…");
    }
  }

  function onAfterRequest(event) {
    var form = autosaveForm(event);
    if (!form) {
      return;
    }
    var part = partOf(form);
    var code = event.detail.xhr ? event.detail.xhr.status : 0;
    part.inFlight = false;
    if (code === 200) {
      part.keepMine = false;
      settled(form);
      part.saved = part.sent;
      keep(form); // drops the draft, or re-bases it on the new revision if typing went on
    } else if (code === 409 || code === 422) {
      settled(form);
      keep(form);
      var status = statusOf(form);
      if (part.keepMine && status && status.dataset.theirRevision) {
        keepMine(form, status.dataset.theirRevision);
      }
    } else if (code === 0 || code >= 500) {
      part.failing = true;
      keep(form);
      setStatus(form, "offline", "Not saved — kept in this browser, retrying");
      scheduleRetry(form);
    } else {
      keep(form);
      setStatus(form, "failed", "Not saved — kept in this browser. Reload the page to go on.");
    }
  }

  // --- Conflicts: keep mine, or use the other version --------------------------------

  function keepMine(form, theirRevision) {
    var part = partOf(form);
    if (part.inFlight) {
      // A save is on its way and its answer replaces the status (and its revision):
      // decide once it is back, against the version it reports.
      part.keepMine = true;
      return;
    }
    part.keepMine = false;
    revisionInput(form).value = theirRevision;
    setStatus(form, "saving", "Saving yours over the other version…");
    send(form);
  }

  function onConflictChoice(button) {
    var form = button.closest("form[data-autosave]");
    var status = button.closest(".save-status");
    if (!form || !status) {
      return;
    }
    var theirRevision = status.dataset.theirRevision;
    var focusTarget = form.querySelector("textarea") || form.querySelector("input:not([type=hidden])");
    if (button.dataset.conflict === "mine") {
      keepMine(form, theirRevision);
    } else {
      var script = document.getElementById(status.id.replace(/-status$/, "-theirs"));
      fill(form, JSON.parse(script.textContent));
      revisionInput(form).value = theirRevision;
      partOf(form).saved = fingerprint(form);
      store.drop(draftKey(form));
      setStatus(form, "saved", "Saved (the other version)");
    }
    if (focusTarget) {
      focusTarget.focus();
    }
  }

  // --- Number keys pick a score --------------------------------------------------------

  var typedDigits = { text: "", at: 0, group: null };

  function scoreRadio(group, value) {
    return group.querySelector('input[type=radio][value="' + value + '"]');
  }

  function onKeydown(event) {
    if (event.altKey || event.ctrlKey || event.metaKey || !/^[0-9]$/.test(event.key)) {
      return;
    }
    var target = event.target;
    if (!target.closest || target.tagName === "TEXTAREA" || target.type === "text") {
      return;
    }
    var group = target.closest("[data-number-keys]");
    if (!group) {
      return;
    }
    // Digits typed in quick succession make one number, so "1" then "0" picks 10.
    var now = Date.now();
    var joined = (now - typedDigits.at < 800 && typedDigits.group === group ? typedDigits.text : "") + event.key;
    var radio = scoreRadio(group, joined);
    if (!radio) {
      joined = event.key;
      radio = scoreRadio(group, joined);
    }
    typedDigits = { text: joined, at: now, group: group };
    if (!radio) {
      return;
    }
    event.preventDefault();
    radio.checked = true;
    radio.focus();
    radio.dispatchEvent(new Event("input", { bubbles: true }));
    radio.dispatchEvent(new Event("change", { bubbles: true }));
  }

  // --- Submit: send what is still pending first ---------------------------------------

  function pendingForms() {
    return Array.prototype.filter.call(document.querySelectorAll("form[data-autosave]"), function (form) {
      var part = partOf(form);
      return part.inFlight || fingerprint(form) !== part.saved;
    });
  }

  function onSubmit(event) {
    var form = event.target;
    if (!form.matches("[data-submit-form]") || form.dataset.flushed) {
      return;
    }
    var pending = pendingForms();
    if (!pending.length) {
      return;
    }
    event.preventDefault();
    var button = form.querySelector("button[type=submit]");
    button.disabled = true;
    pending.forEach(function (part) {
      if (!partOf(part).inFlight) {
        send(part);
      }
    });
    var waited = 0;
    var poll = window.setInterval(function () {
      waited += 100;
      var inFlight = pendingForms().some(function (part) {
        return partOf(part).inFlight;
      });
      if (!inFlight || waited > 5000) {
        window.clearInterval(poll);
        form.dataset.flushed = "1";
        button.disabled = false;
        form.requestSubmit();
      }
    }, 100);
  }

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

  // --- The clock ---------------------------------------------------------------------

  var clock = null;

  function Clock(box) {
    this.box = box;
    this.key = PREFIX + box.dataset.scorecard + ":clock";
    this.stageMinutes = Number(box.dataset.stageMinutes);
    this.state = store.get(this.key) || { running: false, since: 0, stage: 0, current: null, questions: {} };
    box.hidden = false;
  }

  Clock.prototype.fold = function () {
    // Bank the time since the last start into the stage and the current question.
    var s = this.state;
    var now = Date.now();
    if (s.running) {
      var gone = now - s.since;
      s.stage += gone;
      if (s.current) {
        s.questions[s.current] = (s.questions[s.current] || 0) + gone;
      }
    }
    s.since = now;
  };

  Clock.prototype.save = function () {
    store.set(this.key, this.state);
    this.render();
  };

  Clock.prototype.toggle = function () {
    this.fold();
    this.state.running = !this.state.running;
    this.save();
  };

  Clock.prototype.ask = function (pk) {
    this.fold();
    this.state.current = String(pk);
    this.state.running = true;
    this.save();
  };

  Clock.prototype.reset = function () {
    this.state = { running: false, since: 0, stage: 0, current: null, questions: {} };
    this.save();
  };

  Clock.prototype.elapsed = function (pk) {
    var s = this.state;
    var running = s.running ? Date.now() - s.since : 0;
    if (pk === undefined) {
      return s.stage + running;
    }
    return (s.questions[pk] || 0) + (s.current === String(pk) ? running : 0);
  };

  function minutesSeconds(ms) {
    var total = Math.floor(ms / 1000);
    var seconds = total % 60;
    return Math.floor(total / 60) + ":" + (seconds < 10 ? "0" : "") + seconds;
  }

  function showTime(box, timeEl, overEl, ms, minutes) {
    var limit = minutes * 60000;
    timeEl.textContent = minutesSeconds(ms);
    var over = minutes > 0 && ms > limit;
    box.classList.toggle("is-over", over);
    overEl.textContent = over ? "over by " + minutesSeconds(ms - limit) : "";
  }

  Clock.prototype.render = function () {
    var box = this.box;
    var s = this.state;
    var toggle = box.querySelector("[data-clock-toggle]");
    toggle.textContent = s.running ? "Pause the clock" : s.stage ? "Resume the clock" : "Start the clock";
    box.classList.toggle("is-running", s.running);
    showTime(
      box.querySelector("[data-clock-stage-box]"),
      box.querySelector("[data-clock-stage]"),
      box.querySelector("[data-clock-stage-over]"),
      this.elapsed(),
      this.stageMinutes
    );
    var current = s.current && document.querySelector('[data-now-asking="' + s.current + '"]');
    var questionBox = box.querySelector("[data-clock-question-box]");
    if (current) {
      var minutes = Number(current.dataset.minutes);
      box.querySelector("[data-clock-question-title]").textContent = "Now: " + current.dataset.title;
      box.querySelector("[data-clock-question-of]").textContent = "of " + minutes + " min";
      showTime(
        questionBox,
        box.querySelector("[data-clock-question]"),
        box.querySelector("[data-clock-question-over]"),
        this.elapsed(s.current),
        minutes
      );
    } else {
      box.querySelector("[data-clock-question-title]").textContent = "No question started";
      box.querySelector("[data-clock-question]").textContent = "";
      box.querySelector("[data-clock-question-of]").textContent = "";
    }
    var self = this;
    each(document.querySelectorAll("[data-now-asking]"), function (button) {
      var asking = button.dataset.nowAsking === s.current;
      button.hidden = false;
      button.setAttribute("aria-pressed", asking ? "true" : "false");
      button.textContent = asking ? "Asking now" : "Now asking";
      button.closest(".sc-question").classList.toggle("is-current", asking);
    });
    each(document.querySelectorAll("[data-qtime]"), function (span) {
      var ms = self.elapsed(span.dataset.qtime);
      var minutes = Number(span.dataset.minutes);
      span.hidden = ms < 1000;
      span.textContent = minutesSeconds(ms) + " of " + minutes + " min" + (ms > minutes * 60000 ? ", over" : "");
      span.classList.toggle("is-over", ms > minutes * 60000);
    });
  };

  function markAsked(pk) {
    var open = document.getElementById("note-" + pk + "-state-open");
    var asked = document.getElementById("note-" + pk + "-state-asked");
    if (open && asked && open.checked) {
      asked.checked = true;
      asked.dispatchEvent(new Event("change", { bubbles: true }));
    }
  }

  // --- Wiring ----------------------------------------------------------------------------

  function init(root) {
    var forms = root.matches && root.matches("form[data-autosave]") ? [root] : root.querySelectorAll("form[data-autosave]");
    each(forms, function (form) {
      if (form.dataset.scInit) {
        return;
      }
      form.dataset.scInit = "1";
      partOf(form).saved = fingerprint(form);
      form.addEventListener("input", function () {
        keep(form);
      });
      form.addEventListener("change", function () {
        keep(form);
      });
      restore(form);
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
      onConflictChoice(target);
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
      markAsked(target.dataset.nowAsking);
    } else if (target.matches(".error-summary a[href^='#']")) {
      var field = document.getElementById(target.getAttribute("href").slice(1));
      if (field) {
        event.preventDefault();
        field.focus();
        field.scrollIntoView({ block: "center" });
      }
    }
  }

  // A submitted scorecard seen by its author: what this browser kept of it (unsent text,
  // the clock) is no longer needed, and is personal data about the candidate.
  function forgetScorecard(id) {
    var prefix = PREFIX + id + ":";
    try {
      for (var i = window.localStorage.length - 1; i >= 0; i -= 1) {
        var key = window.localStorage.key(i);
        if (key && key.indexOf(prefix) === 0) {
          window.localStorage.removeItem(key);
        }
      }
    } catch (error) {
      /* storage unavailable: nothing kept */
    }
  }

  document.addEventListener("DOMContentLoaded", function () {
    var submitted = document.querySelector("[data-forget-drafts]");
    if (submitted) {
      forgetScorecard(submitted.dataset.forgetDrafts);
    }
    if (!window.htmx || !document.getElementById("scorecard")) {
      return;
    }
    var box = document.querySelector("[data-clock]");
    if (box) {
      clock = new Clock(box);
      window.setInterval(function () {
        if (clock.state.running) {
          clock.render();
        }
      }, 1000);
    }
    document.body.addEventListener("htmx:confirm", onConfirm);
    document.body.addEventListener("htmx:beforeRequest", onBeforeRequest);
    document.body.addEventListener("htmx:afterRequest", onAfterRequest);
    document.addEventListener("click", onClick);
    document.addEventListener("keydown", onKeydown);
    document.addEventListener("submit", onSubmit);
    window.addEventListener("online", function () {
      each(document.querySelectorAll("form[data-autosave]"), function (form) {
        if (partOf(form).failing) {
          send(form);
        }
      });
    });
    window.htmx.onLoad(init);
    var summary = document.querySelector("[data-focus-on-load]");
    if (summary) {
      summary.focus();
    }
  });
})();
