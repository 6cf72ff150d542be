// suishin — live progress of a background job (core/job_detail.html).
// Polls the job's status.json and moves the bar (role="progressbar",
// aria-valuenow); when the job has finished, reloads the page, which then
// shows the outcome. Without JavaScript a <noscript> meta refresh reloads
// the page every two seconds instead.
(function () {
  "use strict";

  var box = document.getElementById("job");
  if (!box || box.getAttribute("data-finished") === "1" || !window.fetch) {
    return;
  }
  var url = box.getAttribute("data-status-url");
  var seconds = parseFloat(box.getAttribute("data-poll-seconds")) || 1;
  var bar = box.querySelector("[data-job-bar]");
  var fill = bar.querySelector(".job-progress-fill");
  var statusEl = box.querySelector("[data-job-status]");
  var percentEl = box.querySelector("[data-job-percent]");
  var messageEl = box.querySelector("[data-job-message]");
  var failures = 0;

  function show(s) {
    statusEl.textContent = s.status_label;
    statusEl.className = "job-status job-status-" + s.status;
    messageEl.textContent = s.message || "";
    if (s.percent === null || s.percent === undefined) {
      bar.removeAttribute("aria-valuenow");
      bar.setAttribute("aria-valuetext", s.message || s.status_label);
      fill.classList.add("job-progress-unknown");
      fill.style.width = "100%";
      percentEl.textContent = "";
    } else {
      bar.setAttribute("aria-valuenow", String(s.percent));
      bar.setAttribute("aria-valuetext", s.percent + "%");
      fill.classList.remove("job-progress-unknown");
      fill.style.width = s.percent + "%";
      percentEl.textContent = s.percent + "%";
    }
  }

  function poll() {
    fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) {
        if (!response.ok) {
          throw new Error(String(response.status));
        }
        return response.json();
      })
      .then(function (s) {
        failures = 0;
        show(s);
        if (s.finished) {
          window.location.reload();
          return;
        }
        window.setTimeout(poll, seconds * 1000);
      })
      .catch(function () {
        failures += 1;
        if (failures >= 5) {
          // Signed out or the server answers with a page: let the page say so.
          window.location.reload();
          return;
        }
        messageEl.textContent = "状況を取得できません。通信状況を確かめています…";
        window.setTimeout(poll, Math.min(30, seconds * Math.pow(2, failures)) * 1000);
      });
  }

  window.setTimeout(poll, seconds * 1000);
})();
