// The live scorecard's clock: part 3 of 4 (after scorecard-drafts.js).
//
// The stage's time and each question's, kept in localStorage so a reload or a closed tab
// does not lose them; "Now asking" makes a question the current one (and marks it asked).
// Each question's time is saved on its note (QuestionNote.seconds_spent) through
// autosave: with every save of the note, and on its own (clock_only) when the question
// stops being the current one, when the clock pauses or is reset, and every 30 s while
// it runs. A browser with no clock of its own for this scorecard starts from those.
(function () {
  "use strict";

  var sc = window.LoopwrightScorecard;
  var store = sc.store;
  var each = sc.each;
  var PREFIX = sc.PREFIX;

  var SEND_EVERY_MS = 30000;
  var SECONDS_MAX = 24 * 60 * 60; // scoring.forms.SECONDS_MAX

  function Clock(box) {
    this.box = box;
    this.key = PREFIX + box.dataset.scorecard + ":clock";
    this.stageMinutes = Number(box.dataset.stageMinutes);
    this.state = store.get(this.key) || { running: false, since: 0, stage: 0, current: null, questions: savedTimes() };
    this.lastSent = Date.now();
    box.hidden = false;
  }

  function savedTimes() {
    // What the server kept (another browser's clock), as this clock counts: ms per note.
    var times = {};
    each(document.querySelectorAll("[data-qtime][data-seconds]"), function (span) {
      var seconds = Number(span.dataset.seconds);
      if (seconds > 0) {
        times[span.dataset.qtime] = seconds * 1000;
      }
    });
    return times;
  }

  function noteForm(pk) {
    return document.getElementById("note-" + pk + "-form");
  }

  Clock.prototype.secondsFor = function (form) {
    // The seconds to save with a note's form: null if the clock never timed its question.
    var match = /:note-(\d+)$/.exec(form.dataset.autosave || "");
    if (!match) {
      return null;
    }
    var pk = match[1];
    if (!(pk in this.state.questions) && this.state.current !== pk) {
      return null;
    }
    return Math.min(Math.floor(this.elapsed(pk) / 1000), SECONDS_MAX);
  };

  Clock.prototype.send = function (pk) {
    var form = pk && noteForm(pk);
    if (form) {
      sc.sendClock(form);
    }
  };

  Clock.prototype.tick = function () {
    // Every second while running: the display, and the current question's time now and then.
    this.render();
    if (this.state.current && Date.now() - this.lastSent >= SEND_EVERY_MS) {
      this.lastSent = Date.now();
      this.send(this.state.current);
    }
  };

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
    if (!this.state.running) {
      this.send(this.state.current);
    }
  };

  Clock.prototype.ask = function (pk) {
    this.fold();
    var before = this.state.current;
    this.state.current = String(pk);
    this.state.questions[this.state.current] = this.state.questions[this.state.current] || 0;
    this.state.running = true;
    this.lastSent = Date.now();
    this.save();
    if (before && before !== this.state.current) {
      this.send(before);
    }
  };

  Clock.prototype.reset = function () {
    // Every timed question back to zero, here and on the server.
    var timed = Object.keys(this.state.questions);
    var zeros = {};
    timed.forEach(function (pk) {
      zeros[pk] = 0;
    });
    this.state = { running: false, since: 0, stage: 0, current: null, questions: zeros };
    this.save();
    var self = this;
    timed.forEach(function (pk) {
      self.send(pk);
    });
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
    // "… the clock" stays in the button's name; a phone shows only the verb.
    toggle.querySelector("[data-clock-verb]").textContent = s.running ? "Pause" : s.stage ? "Resume" : "Start";
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
    questionBox.classList.toggle("is-idle", !current);
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

  sc.Clock = Clock;
  sc.markAsked = markAsked;
})();
