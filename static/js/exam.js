// The mock exam page: a countdown that only displays the server's deadline, and the keys
// 1–5 (choose), f (flag), n and p (next, previous), and Enter (check the answer, in review
// mode). Every key presses a real control.
(function () {
  "use strict";

  const timer = document.getElementById("timer");
  if (timer) {
    const end = Date.now() + Number(timer.dataset.remaining) * 1000;
    const pad = (n) => String(n).padStart(2, "0");
    const tick = function () {
      const left = Math.max(Math.round((end - Date.now()) / 1000), 0);
      timer.textContent = Math.floor(left / 3600) + ":" + pad(Math.floor(left / 60) % 60) + ":" + pad(left % 60);
      // At zero the server finishes the attempt; reloading shows the results.
      if (left === 0) window.location.reload();
      else window.setTimeout(tick, 250);
    };
    tick();
  }

  document.addEventListener("keydown", function (event) {
    if (event.defaultPrevented || event.ctrlKey || event.metaKey || event.altKey) return;
    if (event.target.closest("input[type=text], input[type=number], textarea, select")) return;
    let control = null;
    if (/^[1-5]$/.test(event.key)) {
      control = document.querySelectorAll('[name="choice"]')[Number(event.key) - 1];
    } else if (event.key === "f") {
      control = document.getElementById("flag");
    } else if (event.key === "n") {
      control = document.getElementById("next");
    } else if (event.key === "p") {
      control = document.getElementById("prev");
    } else if (event.key === "Enter" && !event.target.closest("button, a")) {
      control = document.getElementById("check");
    }
    if (!control || control.disabled) return;
    event.preventDefault();
    control.click();
  });
})();
