// Anki's keys for the review page. Every key presses a real button, so the page works the
// same with a mouse, with the keyboard, and (as plain forms) without this script.
(function () {
  "use strict";

  const KEYS = { u: 'button[name="undo"]', "-": 'button[name="bury"]', "!": 'button[name="suspend"]' };

  function buttonFor(event, session) {
    const reveal = session.querySelector("details.reveal");
    const answerShown = reveal && reveal.open;
    if (event.key === " " || event.key === "Enter") {
      if (event.target.closest("button, a, summary")) return null; // the focused control acts
      if (reveal && !answerShown) return reveal.querySelector("summary");
      return answerShown ? session.querySelector('button[name="grade"][value="3"]') : null;
    }
    if (["1", "2", "3", "4"].includes(event.key)) {
      return answerShown ? session.querySelector('button[name="grade"][value="' + event.key + '"]') : null;
    }
    return KEYS[event.key] ? session.querySelector(KEYS[event.key]) : null;
  }

  document.addEventListener("keydown", function (event) {
    if (event.defaultPrevented || event.ctrlKey || event.metaKey || event.altKey) return;
    if (event.target.closest("input, textarea, select, [contenteditable]")) return;
    const session = document.getElementById("session");
    if (!session) return;
    const button = buttonFor(event, session);
    if (!button || button.disabled) return;
    event.preventDefault();
    button.click();
  });

  // After htmx swaps in the next card, move focus to it, so that screen readers read it out.
  document.addEventListener("htmx:afterSwap", function () {
    const front = document.getElementById("card-front");
    if (front) front.focus({ preventScroll: true });
  });
})();
