// The live scorecard's clock: part 3 of 4 (after scorecard-drafts.js).
//
// The stage's time and each question's, kept in localStorage so a reload or a closed tab
// does not lose them; "Now asking" makes a question the current one (and marks it asked).
(function () {
  "use strict";

  var sc = window.LoopwrightScorecard;
  var store = sc.store;
  var each = sc.each;
  var PREFIX = sc.PREFIX;

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

  sc.Clock = Clock;
  sc.markAsked = markAsked;
})();
