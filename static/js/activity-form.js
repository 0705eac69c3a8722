// The activity form: show what applies, filter the types, and never lose a draft.
// Works without JavaScript too: every field is there, the server judges everything.
(function () {
  "use strict";
  const form = document.getElementById("activity-form");
  if (!form) return;
  const status = document.getElementById("draft-status");
  const storageKey = "imi-activity-draft:" + form.dataset.draftKey;
  const csrf = form.querySelector("[name=csrfmiddlewaretoken]").value;

  function value(name) {
    const fields = form.querySelectorAll(`[name="${name}"]`);
    for (const f of fields) {
      if (f.type === "radio") { if (f.checked) return f.value; continue; }
      if (f.type === "checkbox") return f.checked ? "on" : "";
      return f.value;
    }
    return "";
  }

  // Sections that apply only to some answers.
  function refresh() {
    form.querySelectorAll("[data-show-when]").forEach((el) => {
      const [name, wanted] = el.dataset.showWhen.split("=");
      el.hidden = value(name) !== wanted;
    });
    const type = form.querySelector("[name=activity_type]");
    const other = type && type.selectedOptions[0] && /other/i.test(type.selectedOptions[0].text);
    form.querySelectorAll("[data-show-when-type]").forEach((el) => { el.hidden = !other && !el.querySelector(".errorlist"); });
  }

  // Type search: narrow the grouped list as you type.
  const filter = document.getElementById("type-filter");
  const select = form.querySelector("[name=activity_type]");
  if (filter && select) {
    filter.addEventListener("input", () => {
      const q = filter.value.trim().toLowerCase();
      let first = null;
      select.querySelectorAll("option").forEach((o) => {
        const match = !q || !o.value || o.text.toLowerCase().includes(q) || o.parentElement.label?.toLowerCase().includes(q);
        o.hidden = !match;
        if (match && o.value && !first) first = o;
      });
      select.querySelectorAll("optgroup").forEach((g) => { g.hidden = ![...g.children].some((o) => !o.hidden); });
      if (first && q) { select.value = first.value; select.dispatchEvent(new Event("change", { bubbles: true })); }
    });
  }

  // Drafts: kept on this device at once, and on the server a moment later.
  function snapshot() {
    const data = {};
    new FormData(form).forEach((v, k) => { if (k !== "csrfmiddlewaretoken" && k !== "files") data[k] = v; });
    form.querySelectorAll("input[type=checkbox]").forEach((c) => { if (!c.checked) data[c.name] = ""; });
    return data;
  }
  function setStatus(text) { if (status) status.textContent = text; }
  let timer = null;
  let inflight = null; // the draft save on its way to the server, if any
  let submitting = false;
  function saveSoon() {
    if (submitting) return;
    const data = snapshot();
    localStorage.setItem(storageKey, JSON.stringify({ savedAt: new Date().toISOString(), data }));
    clearTimeout(timer);
    timer = setTimeout(() => saveToServer(data), 800);
  }
  function saveToServer(data) {
    inflight = sendDraft(data).finally(() => { inflight = null; });
    return inflight;
  }
  async function sendDraft(data) {
    const body = new FormData();
    Object.entries(data).forEach(([k, v]) => body.append(k, v));
    try {
      const r = await fetch(form.dataset.draftUrl, {
        method: "POST", body, headers: { "X-CSRFToken": csrf }, credentials: "same-origin", redirect: "manual",
      });
      if (!r.ok) throw new Error(String(r.status));
      const saved = await r.json();
      localStorage.setItem(storageKey, JSON.stringify({ savedAt: saved.saved_at, data, synced: true }));
      setStatus("Draft saved " + new Date(saved.saved_at).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" }));
    } catch (e) {
      setStatus("Draft kept on this device: sign in again to save it to your account.");
    }
  }
  function fill(data) {
    Object.entries(data).forEach(([name, v]) => {
      form.querySelectorAll(`[name="${name}"]`).forEach((f) => {
        if (f.type === "radio") f.checked = f.value === v;
        else if (f.type === "checkbox") f.checked = v === "on";
        else if (f.type !== "file") f.value = v;
      });
    });
  }
  // A draft on this device newer than the server's (e.g. the session had timed out): use it.
  if (form.dataset.bound === "false") {
    try {
      const local = JSON.parse(localStorage.getItem(storageKey) || "null");
      const server = form.dataset.serverSavedAt ? new Date(form.dataset.serverSavedAt) : null;
      if (local && !local.synced && (!server || new Date(local.savedAt) > server)) {
        fill(local.data);
        saveToServer(local.data);
        setStatus("We restored the draft you were writing on this device.");
      }
    } catch (e) { /* a broken local draft is ignored */ }
  }
  // Submitting: no more draft saves, and one already on its way lands first. Otherwise a draft
  // save the server handles after the activity would bring the saved form back as a draft.
  form.addEventListener("submit", (event) => {
    clearTimeout(timer);
    submitting = true;
    if (inflight) {
      event.preventDefault();
      const submitter = event.submitter;
      inflight.then(() => { inflight = null; form.requestSubmit(submitter); });
    }
  });
  form.addEventListener("input", saveSoon);
  form.addEventListener("change", () => { refresh(); saveSoon(); });
  // The local draft is removed only once the server has saved the activity (the page it
  // leads to clears it): a submit that meets an expired session loses nothing.
  refresh();
})();
