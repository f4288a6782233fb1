// The upload page: drag-and-drop or choose files, upload with progress, then watch status.
"use strict";
(() => {
  const form = document.getElementById("upload-form");
  const zone = document.getElementById("dropzone");
  const input = document.getElementById("files");
  const list = document.getElementById("uploads");
  const maxBytes = parseInt(form.dataset.maxMb, 10) * 1024 * 1024;

  function row(file) {
    list.querySelector(".empty")?.remove();
    const item = document.createElement("li");
    item.className = "upload-row";
    item.innerHTML = `<span class="name"></span>
      <progress max="100" value="0" aria-label=""></progress>
      <span class="state status queued">waiting</span><span class="reason"></span>`;
    item.querySelector(".name").textContent = file.name;
    item.querySelector("progress").setAttribute("aria-label", `Upload of ${file.name}`);
    list.prepend(item);
    return item;
  }

  function show(item, state, text, reason = "") {
    const label = item.querySelector(".state");
    label.className = `state status ${state}`;
    label.textContent = text;
    item.querySelector(".reason").textContent = reason;
    item.dataset.state = state;
    if (text === "refused" || text === "not sent") item.querySelector("progress")?.remove();
  }

  function flagsToReview(count) {
    if (!count) return "nothing to review";
    return `${count} flag${count === 1 ? "" : "s"} to review`;
  }

  // "Recent calls" follows what is uploaded here, without a reload
  const recent = document.getElementById("recent");
  const noRecent = document.getElementById("no-recent");

  function cell(row, text, className = "") {
    const td = row.insertCell();
    if (className) {
      const span = document.createElement("span");
      span.className = className;
      span.textContent = text;
      td.append(span);
    } else {
      td.textContent = text;
    }
    return td;
  }

  async function refreshRecent() {
    let page;
    // as many as the server renders
    try { page = await callqa.api("GET", "/api/v1/calls?limit=20"); } catch (error) { return; }
    const body = recent.tBodies[0];
    body.replaceChildren();
    for (const call of page.items) {
      const row = body.insertRow();
      const link = document.createElement("a");
      link.href = `/calls/${call.id}`;
      link.textContent = call.external_id || call.original_filename || call.id.slice(0, 8);
      row.insertCell().append(link);
      cell(row, call.agent_id || "—");
      cell(row, new Date(call.created_at).toISOString().slice(0, 16).replace("T", " ") + " UTC");
      const status = cell(row, call.status, `status ${call.status}`);
      if (call.failure_reason) {
        const reason = document.createElement("span");
        reason.className = "reason";
        reason.textContent = call.failure_reason;
        status.append(document.createElement("br"), reason);
      }
      if (call.score === null) cell(row, "—");
      else cell(row, String(Math.round(call.score)), `score ${band(call.score)}`);
    }
    recent.hidden = !page.items.length;
    noRecent.hidden = !!page.items.length;
  }

  function band(score) {  // as plots.score_band on the server
    return score < 40 ? "critical" : score < 55 ? "bad" : score < 70 ? "poor" : score < 85 ? "fair" : "good";
  }

  function upload(file) {
    const item = row(file);
    if (file.size > maxBytes) {
      return show(item, "failed", "refused", `over the ${form.dataset.maxMb} MB limit`);
    }
    const body = new FormData();
    body.append("file", file, file.name);
    for (const name of ["agent_id", "agent_channel", "external_id"]) {
      const value = form.elements[name].value.trim();
      if (value) body.append(name, value);
    }
    const request = new XMLHttpRequest();
    request.open("POST", "/api/v1/calls");
    request.setRequestHeader("X-CSRF-Token", callqa.csrf());
    request.upload.addEventListener("progress", (event) => {
      if (event.lengthComputable) {
        item.querySelector("progress").value = (100 * event.loaded) / event.total;
        show(item, "uploading", `uploading ${Math.round((100 * event.loaded) / event.total)}%`);
      }
    });
    request.addEventListener("load", () => {
      let data = {};
      try { data = JSON.parse(request.responseText); } catch (error) { /* not JSON */ }
      if (request.status >= 400) {
        return show(item, "failed", "refused", data.error?.message || `${request.status} ${request.statusText}`);
      }
      item.querySelector("progress").value = 100;
      const link = document.createElement("a");
      link.href = `/calls/${data.id}`;
      link.textContent = item.querySelector(".name").textContent;
      item.querySelector(".name").replaceChildren(link);
      if (data.duplicate) show(item, data.status, `already uploaded (${data.status})`);
      refreshRecent();
      watch(item, data.id);
    });
    request.addEventListener("error", () => show(item, "failed", "not sent", "the connection failed"));
    show(item, "uploading", "uploading 0%");
    request.send(body);
  }

  function watch(item, id) {
    const tick = async () => {
      try {
        const call = await callqa.api("GET", `/api/v1/calls/${id}`);
        if (call.status === "done") {
          refreshRecent();
          return show(item, "done", `analysed: score ${Math.round(call.score)}, ${flagsToReview(call.unreviewed_flags)}`);
        }
        if (call.status === "failed") {
          refreshRecent();
          return show(item, "failed", "failed", call.failure_reason || "");
        }
        show(item, call.status, call.status === "queued" ? "queued for analysis" : "analysing…");
      } catch (error) { /* transient: try again */ }
      setTimeout(tick, 2000);
    };
    tick();
  }

  input.addEventListener("change", () => { [...input.files].forEach(upload); input.value = ""; });
  for (const name of ["dragenter", "dragover"]) {
    zone.addEventListener(name, (event) => { event.preventDefault(); zone.classList.add("over"); });
  }
  for (const name of ["dragleave", "drop"]) {
    zone.addEventListener(name, () => zone.classList.remove("over"));
  }
  zone.addEventListener("drop", (event) => {
    event.preventDefault();
    [...event.dataTransfer.files].forEach(upload);
  });
  form.addEventListener("submit", (event) => event.preventDefault());
})();
