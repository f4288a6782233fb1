// Shared by every desk page: call the JSON API with this session's cookie and CSRF token.
"use strict";
window.callqa = {
  csrf() {
    const meta = document.querySelector('meta[name="csrf-token"]');
    return meta ? meta.content : "";
  },
  async api(method, url, body) {
    const headers = { "X-CSRF-Token": this.csrf(), Accept: "application/json" };
    if (body !== undefined) headers["Content-Type"] = "application/json";
    const response = await fetch(url, {
      method, headers, credentials: "same-origin",
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    if (response.status === 401) {  // the session ended meanwhile: sign in, come back here
      window.location = "/signin?reason=expired&next=" + encodeURIComponent(location.pathname);
      throw new Error("signed out");
    }
    const data = await response.json().catch(() => ({}));
    if (!response.ok) throw new Error(data.error?.message || `${response.status} ${response.statusText}`);
    return data;
  },
  clock(seconds) {
    const s = Math.max(0, Math.floor(seconds));
    return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, "0")}`;
  },
};
