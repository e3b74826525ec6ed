// The live scorecard's drafts (templates/scoring/scorecard.html): part 1 of 4, loaded first.
//
// htmx posts each part (a note, a rating, the overall part) as the interviewer types and
// swaps only the part's status element. This file adds what htmx cannot know:
// - every change is kept in localStorage until the server has it, so a failed save, a
//   closed tab or a dead network loses nothing; failed saves retry with backoff and when
//   the browser comes back online; on load, a kept draft is put back and sent;
// - the states "saving…" and "not saved — kept in this browser, retrying";
// - a refused stale save: "Keep mine" re-sends on top of the other version, "Use the
//   other version" puts it in the fields;
// - Submit sends what is still pending first.
// The other parts: scorecard-keys.js (number keys pick a score), scorecard-clock.js (the
// clock), scorecard.js (guidance, and the wiring of all of them to the page).
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
      parts.set(form, { saved: "", sent: "", inFlight: false, delay: 0, timer: null, force: false, failing: false, keepMine: false, useTheirs: false, clockOnly: false, clockSending: false, clockPending: false });
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
    // A blur after the debounced save already went: nothing new to send. During a
    // conflict, the text that was refused is not sent again (the blur of clicking one of
    // the choice buttons would, and its refusal would undo the choice).
    var state = statusOf(form) && statusOf(form).dataset.state;
    var now = fingerprint(form);
    if (now === part.saved && (state === "saved" || state === "idle")) {
      event.preventDefault();
    } else if (state === "conflict" && now === part.sent) {
      event.preventDefault();
    }
  }

  // --- The clock's seconds ride along (scorecard-clock.js gives them) -----------------

  function onConfigRequest(event) {
    var form = autosaveForm(event);
    if (!form) {
      return;
    }
    var part = partOf(form);
    var seconds = api.secondsFor ? api.secondsFor(form) : null;
    // Alone only while nothing typed is pending (typing since it was asked for goes too).
    part.clockSending = part.clockOnly && seconds !== null && fingerprint(form) === part.saved;
    part.clockOnly = false;
    if (seconds !== null) {
      event.detail.parameters.set("seconds", String(seconds));
    }
    if (part.clockSending) {
      event.detail.parameters.set("clock_only", "1");
    }
  }

  function sendClock(form) {
    // The clock's time on the question: alone if nothing typed is pending, else with it.
    var part = partOf(form);
    var state = statusOf(form) && statusOf(form).dataset.state;
    if (part.inFlight) {
      part.clockPending = true; // once the save on its way is back (it has older seconds)
      return;
    }
    part.clockPending = false;
    if (part.failing || (state !== "saved" && state !== "idle")) {
      return; // it goes with the next save that succeeds
    }
    part.clockOnly = fingerprint(form) === part.saved;
    send(form);
  }

  function onBeforeSwap(event) {
    // The clock's own save changes nothing the interviewer sees: its status stays.
    var form = autosaveForm(event);
    if (form && partOf(form).clockSending && event.detail.xhr.status === 200) {
      event.detail.shouldSwap = false;
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
    // A conflict keeps its choice buttons in place (the click may be on its way to one);
    // the clock's own save is silent.
    var state = statusOf(form) && statusOf(form).dataset.state;
    if (!part.failing && !part.clockSending && state !== "conflict") {
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
    var wasClock = part.clockSending;
    part.inFlight = false;
    part.clockSending = false;
    if (code === 200) {
      part.keepMine = false;
      part.useTheirs = false;
      settled(form);
      part.saved = part.sent;
      keep(form); // drops the draft, or re-bases it on the new revision if typing went on
      if (part.clockPending) {
        sendClock(form);
      }
    } else if (code === 409 || code === 422) {
      settled(form);
      keep(form);
      var status = statusOf(form);
      if (part.keepMine && status && status.dataset.theirRevision) {
        keepMine(form, status.dataset.theirRevision);
      } else if (part.useTheirs && status && status.dataset.theirRevision) {
        useTheirs(form, status);
      }
    } else if (code === 0 || code >= 500) {
      part.failing = true;
      part.clockOnly = wasClock; // the retry is the clock's own save again
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

  function useTheirs(form, status) {
    // The other version into the fields, and its revision to build on: typing on saves.
    var part = partOf(form);
    var script = document.getElementById(status.id.replace(/-status$/, "-theirs"));
    if (!script) {
      return;
    }
    fill(form, JSON.parse(script.textContent));
    revisionInput(form).value = status.dataset.theirRevision;
    part.saved = fingerprint(form);
    // A save on its way was typed on the old revision and will be refused: its answer
    // brings the other version again (perhaps newer), to be used in the same way.
    part.useTheirs = part.inFlight;
    store.drop(draftKey(form));
    setStatus(form, "saved", "Saved (the other version)");
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
      useTheirs(form, status);
    }
    if (focusTarget) {
      focusTarget.focus();
    }
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

  function watch(form) {
    partOf(form).saved = fingerprint(form);
    form.addEventListener("input", function () {
      keep(form);
    });
    form.addEventListener("change", function () {
      keep(form);
    });
    restore(form);
  }

  function retryFailing() {
    each(document.querySelectorAll("form[data-autosave]"), function (form) {
      if (partOf(form).failing) {
        send(form);
      }
    });
  }

  var api = {
    PREFIX: PREFIX,
    store: store,
    each: each,
    watch: watch,
    onConfirm: onConfirm,
    onBeforeRequest: onBeforeRequest,
    onAfterRequest: onAfterRequest,
    onConflictChoice: onConflictChoice,
    onSubmit: onSubmit,
    retryFailing: retryFailing,
    forgetScorecard: forgetScorecard,
    onConfigRequest: onConfigRequest,
    onBeforeSwap: onBeforeSwap,
    sendClock: sendClock,
    secondsFor: null, // set by scorecard-clock.js
  };
  window.LoopwrightScorecard = api;
})();
