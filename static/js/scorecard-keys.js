// The live scorecard's number keys: part 2 of 4 (after scorecard-drafts.js).
//
// With a score's radio button focused, typing its number picks it; digits typed in quick
// succession make one number, so "1" then "0" picks 10 on a ten-point scale.
(function () {
  "use strict";

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

  window.LoopwrightScorecard.onKeydown = onKeydown;
})();
