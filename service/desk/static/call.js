// The call page: seek the recording from flags, transcript and timeline; review by keyboard.
"use strict";
(() => {
  const audio = document.getElementById("audio");
  const statusCard = document.getElementById("call-status");
  if (statusCard) return watchStatus(statusCard);
  if (!audio) return;

  const flags = [...document.querySelectorAll("article.flag")];
  const svg = document.querySelector("svg.timeline");
  const playhead = svg && svg.querySelector(".playhead");
  const width = svg ? svg.viewBox.baseVal.width : 0;
  const duration = svg ? parseFloat(svg.dataset.duration) : 0;
  // the plot's left edge and width in viewBox units: the level axis sits left of it
  const plotLeft = svg ? parseFloat(svg.dataset.plotLeft) : 0;
  const plotWidth = svg ? parseFloat(svg.dataset.plotWidth) : 0;
  let current = -1;

  function seek(seconds, play = true) {
    audio.currentTime = Math.max(0, seconds);
    movePlayhead();
    if (play) audio.play().catch(() => {});  // autoplay may be refused; the seek stands
  }

  function movePlayhead() {
    if (!playhead || !duration) return;
    const x = plotLeft + Math.min(1, audio.currentTime / duration) * plotWidth;
    playhead.setAttribute("x1", x);
    playhead.setAttribute("x2", x);
    document.querySelectorAll(".turn.playing").forEach((t) => t.classList.remove("playing"));
    const turn = [...document.querySelectorAll(".turn")].find(
      (t) => audio.currentTime >= +t.dataset.start && audio.currentTime < +t.dataset.end);
    if (turn) turn.classList.add("playing");
  }

  const hideReviewed = document.getElementById("hide-reviewed");
  const typeFilter = document.getElementById("flag-type-filter");

  function visible(flag) {
    return !flag.parentElement.hidden;
  }

  function applyFilter() {
    if (!typeFilter) return;
    let shown = 0;
    for (const flag of flags) {
      const hide = (hideReviewed.checked && flag.classList.contains("judged")) ||
        (typeFilter.value && flag.dataset.type !== typeFilter.value);
      flag.parentElement.hidden = hide;
      shown += !hide;
    }
    document.querySelector(".flag-filter .shown").textContent =
      `${shown} of ${flags.length} shown`;
  }

  function step(direction) {  // next/previous flag that the filter shows
    const from = current < 0 && direction < 0 ? flags.length : current;
    for (let n = 1; n <= flags.length; n++) {
      const index = (((from + direction * n) % flags.length) + flags.length) % flags.length;
      if (visible(flags[index])) return select(index, true);
    }
  }

  function select(index, play) {
    if (!flags.length) return;
    current = (index + flags.length) % flags.length;
    flags.forEach((f, i) => f.classList.toggle("selected", i === current));
    const flag = flags[current];
    flag.focus({ preventScroll: true });
    flag.scrollIntoView({ block: "nearest", behavior: "smooth" });
    document.querySelectorAll("mark.selected").forEach((m) => m.classList.remove("selected"));
    document.querySelectorAll(`mark[data-flag-id="${flag.dataset.flagId}"]`)
      .forEach((m) => m.classList.add("selected"));
    if (play) seek(parseFloat(flag.dataset.start));
  }

  // "after a verdict, go to the next unreviewed flag": remembered like the shortcuts
  const advance = document.getElementById("advance");
  if (advance) {
    advance.checked = localStorage.getItem("callqa.advance") === "on";
    advance.addEventListener("change", () =>
      localStorage.setItem("callqa.advance", advance.checked ? "on" : "off"));
  }

  function nextUnreviewed() {
    for (let n = 1; n <= flags.length; n++) {
      const index = (Math.max(current, 0) + n) % flags.length;
      const flag = flags[index];
      if (visible(flag) && flag.dataset.waiting === "1" && !flag.classList.contains("judged")) {
        return select(index, true);
      }
    }
  }

  async function judge(flag, verdict) {
    const form = flag.querySelector("form.review");
    if (!form) return;
    const status = flag.querySelector(".verdict");
    const note = form.querySelector("textarea").value;
    form.querySelectorAll("button").forEach((b) => (b.disabled = true));
    status.textContent = "Saving…";
    try {
      await callqa.api("POST", `/api/v1/flags/${flag.dataset.flagId}/review`, { verdict, note });
      flag.classList.remove("confirmed", "dismissed");
      flag.classList.add("judged", verdict);
      form.querySelectorAll("button[name=verdict]").forEach((b) =>
        b.setAttribute("aria-pressed", String(b.value === verdict)));
      status.textContent = verdict === "confirmed" ? "Confirmed" : "Dismissed";
      flag.querySelector(".reviewed-by").textContent =
        "by you, just now" + (note ? `: “${note}”` : "");
      applyFilter();  // with "hide reviewed" on, a judged flag leaves the list
      if (advance && advance.checked) nextUnreviewed();
    } catch (error) {
      status.textContent = `Not saved: ${error.message}`;
    } finally {
      form.querySelectorAll("button").forEach((b) => (b.disabled = false));
    }
  }

  document.addEventListener("click", (event) => {
    const button = event.target.closest("button.seek");
    if (button) return seek(parseFloat(button.dataset.start));
    const marker = event.target.closest(".flag-marker");
    if (marker) {
      event.preventDefault();
      return select(flags.findIndex((f) => f.dataset.flagId === marker.dataset.flagId), true);
    }
    const mark = event.target.closest("mark[data-flag-id]");
    if (mark) {
      return select(flags.findIndex((f) => f.dataset.flagId === mark.dataset.flagId), true);
    }
    const turn = event.target.closest(".turn");
    if (turn) return seek(parseFloat(turn.dataset.start));
    const flag = event.target.closest("article.flag");
    if (flag && !event.target.closest("form, button, a, textarea")) {
      return select(flags.indexOf(flag), true);
    }
    if (svg && event.target.closest("svg.timeline")) {
      const box = svg.getBoundingClientRect();
      const x = ((event.clientX - box.left) / box.width) * width;  // in viewBox units
      seek(Math.max(0, Math.min(1, (x - plotLeft) / plotWidth)) * duration);
    }
  });

  document.addEventListener("submit", (event) => {
    const form = event.target.closest("form.review");
    if (!form) return;
    event.preventDefault();
    judge(form.closest("article.flag"), event.submitter ? event.submitter.value : "confirmed");
  });

  // single-key shortcuts can be switched off (WCAG 2.1.4); the choice is remembered
  const shortcuts = document.getElementById("shortcuts");
  shortcuts.checked = localStorage.getItem("callqa.shortcuts") !== "off";
  shortcuts.addEventListener("change", () =>
    localStorage.setItem("callqa.shortcuts", shortcuts.checked ? "on" : "off"));

  document.addEventListener("keydown", (event) => {
    if (!shortcuts.checked || event.ctrlKey || event.metaKey || event.altKey) return;
    if (event.target.closest("input, textarea, select, [contenteditable]")) return;
    const flag = flags[current];
    switch (event.key) {
      case "j": step(1); break;
      case "k": step(-1); break;
      case "p": if (flag) seek(parseFloat(flag.dataset.start)); break;
      case "c": if (flag) judge(flag, "confirmed"); break;
      case "x": if (flag) judge(flag, "dismissed"); break;
      case " ":
        if (event.target.closest("button, a, audio")) return;
        audio.paused ? audio.play().catch(() => {}) : audio.pause();
        break;
      default: return;
    }
    event.preventDefault();
  });

  // a compact player stays in view: once the player card scrolls away, the audio controls
  // dock at the bottom of the window
  const playerCard = document.querySelector("section.player");
  if (playerCard && "IntersectionObserver" in window) {
    new IntersectionObserver(([entry]) => {
      audio.classList.toggle("docked", !entry.isIntersecting);
    }, { threshold: 0 }).observe(playerCard.querySelector(".timeline-wrap") || playerCard);
  }

  hideReviewed?.addEventListener("change", applyFilter);
  typeFilter?.addEventListener("change", applyFilter);
  applyFilter();  // a reload may bring the controls back in their last state
  audio.addEventListener("timeupdate", movePlayhead);
  audio.addEventListener("seeked", movePlayhead);
  if (location.hash.startsWith("#flag-")) {
    select(flags.findIndex((f) => "#" + f.id === location.hash), false);
  }

  function watchStatus(card) {
    const shown = card.dataset.status;
    const timer = setInterval(async () => {
      try {
        const call = await callqa.api("GET", `/api/v1/calls/${card.dataset.callId}`);
        if (call.status !== shown) { clearInterval(timer); location.reload(); }
      } catch (error) { /* keep polling; a restart of the service is not a reason to stop */ }
    }, 2000);
  }
})();
