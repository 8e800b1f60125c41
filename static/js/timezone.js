// Sign-up records the browser's time zone, so a study day starts at 04:00 where the learner is.
(function () {
  "use strict";
  const field = document.querySelector('input[name="time_zone"]');
  if (field && !field.value) field.value = Intl.DateTimeFormat().resolvedOptions().timeZone || "";
})();
