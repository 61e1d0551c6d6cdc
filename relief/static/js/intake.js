// Filing form: show where the complaint goes while the consumer types, and keep a
// draft in this browser so a closed tab loses nothing. Files cannot be kept by the
// browser; the server keeps those across a failed submission.
(function () {
  "use strict";
  document.documentElement.classList.add("js");

  var receipt = document.querySelector("[data-clear-draft]");
  if (receipt) {
    try { localStorage.removeItem(receipt.getAttribute("data-clear-draft")); } catch (e) { /* storage off */ }
    return;
  }
  var form = document.getElementById("filing-form");
  if (!form) { return; }
  var panel = document.getElementById("routing-panel");
  var draftKey = form.getAttribute("data-draft-key");
  var fields = ["text", "product", "business_name", "occurred_on", "amount_krw",
                "payment_method", "channel", "region", "wish"];

  function restoreDraft() {
    var raw = null;
    try { raw = localStorage.getItem(draftKey); } catch (e) { return; }
    if (!raw) { return; }
    var draft = JSON.parse(raw);
    var text = form.elements.text;
    // The server's copy (after a failed submission) wins over an older draft.
    if (text.value.trim()) { return; }
    fields.forEach(function (name) {
      var el = form.elements[name];
      if (el && draft[name] !== undefined && !el.value) { el.value = draft[name]; }
    });
    if (draft.text) {
      var note = document.createElement("p");
      note.className = "rf-flash rf-flash-info";
      note.setAttribute("role", "status");
      note.textContent = form.getAttribute("data-draft-restored") || "";
      if (note.textContent) { form.insertBefore(note, form.firstChild); }
    }
  }

  function saveDraft() {
    var draft = {};
    fields.forEach(function (name) {
      var el = form.elements[name];
      if (el) { draft[name] = el.value; }
    });
    try { localStorage.setItem(draftKey, JSON.stringify(draft)); } catch (e) { /* full or off */ }
  }

  var timer = null;
  var inflight = null;
  function refresh() {
    var data = new FormData();
    data.append("csrf_token", form.elements.csrf_token.value);
    fields.forEach(function (name) {
      var el = form.elements[name];
      if (el) { data.append(name, el.value); }
    });
    var picked = form.querySelector("input[name=pick]:checked");
    if (picked) { data.append("pick", picked.value); }
    Array.prototype.forEach.call(panel.querySelectorAll("[name^=fig_]"), function (el) {
      data.append(el.name, el.value);
    });
    if (inflight) { inflight.abort(); }
    inflight = new AbortController();
    fetch(form.getAttribute("data-preview-url"), {
      method: "POST", body: data, credentials: "same-origin", signal: inflight.signal,
      headers: {"X-CSRFToken": form.elements.csrf_token.value}
    }).then(function (r) { return r.ok ? r.text() : null; })
      .then(function (html) {
        if (html === null) { return; }
        // Keep the consumer's place: re-focus the field they were in after the swap.
        var active = document.activeElement;
        var focused = active && panel.contains(active) ? active.name || active.id : null;
        panel.innerHTML = html;
        if (focused) {
          var again = panel.querySelector("[name='" + focused + "']") ||
                      document.getElementById(focused);
          if (again) { again.focus(); }
        }
      })
      .catch(function () { /* offline or aborted: the submit still routes on the server */ });
  }

  function changed() {
    saveDraft();
    clearTimeout(timer);
    timer = setTimeout(refresh, 500);
  }

  // Figures for the standard remedy live inside the panel, which is replaced on refresh.
  panel.addEventListener("change", function (event) {
    if (event.target.name && event.target.name.indexOf("fig_") === 0) { refresh(); }
  });
  restoreDraft();
  fields.forEach(function (name) {
    var el = form.elements[name];
    if (el) { el.addEventListener("input", changed); el.addEventListener("change", changed); }
  });
  if (form.elements.text.value.trim()) { refresh(); }
})();
