// Make a Payment: progressive enhancement. Without this file every control is a plain form post (POST-redirect-GET).
// With it, selection forms are posted with fetch and the server's fragments are swapped in: the overview and the work
// area, or (a toggle, when this page shows the version the server still has: draft revision and invoice figures) the
// overview, the changed rows and the Pay bar. Every figure on screen is the server's. While a request runs, the work
// area shows a progress bar, the control that asked a spinner, and the forms' buttons are disabled. The Pay form is a
// plain post to checkout's handler (one payment path); this only makes one click one submit and keeps its button off
// while no method is chosen.
(() => {
  "use strict";
  const overview = document.getElementById("pay-overview");
  const workarea = document.getElementById("pay-workarea");
  if (!overview || !workarea) return;

  let queue = Promise.resolve();

  function expandedIds() {
    return Array.from(document.querySelectorAll("[data-expand][aria-expanded='true']")).map(a => a.dataset.expand);
  }

  function markIndeterminate(root) {
    root.querySelectorAll("input[data-indeterminate]").forEach(box => {
      box.indeterminate = box.dataset.indeterminate === "true";
    });
  }

  function showExpanded(link, open) {
    link.setAttribute("aria-expanded", open ? "true" : "false");
    const group = document.getElementById(link.getAttribute("aria-controls"));
    if (group) group.hidden = !open;
  }

  function rememberExpanded() {
    // Keep the expanded rows in the address (reload, paging) and in every form's hidden fields.
    const ids = expandedIds();
    const url = new URL(window.location.href);
    url.searchParams.delete("open");
    ids.forEach(id => url.searchParams.append("open", id));
    history.replaceState(null, "", url);
    document.querySelectorAll("form[data-fetch], form[action='/pay/continue']").forEach(form => {
      form.querySelectorAll("input[name='open']").forEach(i => i.remove());
      ids.forEach(id => {
        const input = document.createElement("input");
        input.type = "hidden"; input.name = "open"; input.value = id;
        form.appendChild(input);
      });
    });
  }

  // A redrawn parent row says whether its children are shown as the request said; the children's group (kept, not
  // redrawn, by a toggle's answer) says what is on screen now, e.g. after "Hide" was clicked while the answer was on
  // its way. The group wins; the address and the forms follow.
  function syncExpanded() {
    document.querySelectorAll("a[data-expand]").forEach(link => {
      const group = document.getElementById(link.getAttribute("aria-controls"));
      if (group) link.setAttribute("aria-expanded", group.hidden ? "false" : "true");
    });
    rememberExpanded();
  }

  // focusedId: what had focus when the request left (its control is disabled meanwhile, which takes focus away).
  function swap(html, focusedId) {
    const doc = new DOMParser().parseFromString(html, "text/html");
    doc.querySelectorAll("template[data-fragment]").forEach(t => {
      const target = document.getElementById(t.dataset.fragment);
      if (!target) return;
      // data-replace: the template holds the element itself (a table row); otherwise the element's content.
      if (t.hasAttribute("data-replace")) target.replaceWith(document.importNode(t.content, true));
      else target.innerHTML = t.innerHTML;
    });
    markIndeterminate(workarea);
    syncExpanded();
    // The authorization names the amount: a new amount needs a new acceptance.
    const accepted = document.getElementById("ach-authorized");
    if (accepted && doc.querySelector("template[data-fragment='ach-text']")) accepted.checked = false;
    updatePay();
    if (focusedId) {
      const again = document.getElementById(focusedId);
      if (again) again.focus();
    }
  }

  function busy(form, control, on) {
    const spinnerHost = control && control.tagName === "BUTTON" ? control : form.querySelector(".form-check-input");
    if (on) {
      workarea.setAttribute("aria-busy", "true");
      form.querySelectorAll("button, input[type=checkbox]").forEach(b => { b.disabled = true; });
      if (spinnerHost) {
        const spinner = document.createElement("span");
        spinner.className = "cp-spinner";
        spinner.setAttribute("aria-hidden", "true");
        if (spinnerHost.tagName === "BUTTON") spinnerHost.appendChild(spinner);
        else spinnerHost.insertAdjacentElement("afterend", spinner);
      }
      const pay = document.getElementById("pay-button");
      if (pay) pay.disabled = true;
    } else {
      // The form may have been swapped out (then it is gone with its spinner); a kept one comes back to life.
      form.querySelectorAll(".cp-spinner").forEach(x => x.remove());
      form.querySelectorAll("button, input[type=checkbox]").forEach(b => { b.disabled = false; });
      if (!document.querySelector("form[data-busy]")) workarea.removeAttribute("aria-busy");
      updatePay();
    }
  }

  function send(form, control) {
    const focusedId = document.activeElement && document.activeElement.id;
    const body = new FormData(form);
    body.delete("open");
    expandedIds().forEach(id => body.append("open", id));
    form.setAttribute("data-busy", "true");
    busy(form, control, true);
    // The version is read when the request leaves (after the answers queued before it have been swapped in).
    queue = queue.then(() => fetch(form.action, {
      method: "POST",
      body,
      headers: { "X-Fragment": "1", "X-Page-Version": workarea.dataset.version || "" },
      credentials: "same-origin",
    }).then(response => {
      const type = response.headers.get("Content-Type") || "";
      if (!type.includes("text/html")) throw new Error("Unexpected answer " + response.status);
      const version = response.headers.get("X-Page-Version");
      return response.text().then(html => {
        form.removeAttribute("data-busy");
        swap(html, focusedId);
        if (version !== null) workarea.dataset.version = version;
      });
    }).catch(() => {
      form.removeAttribute("data-busy");
      form.submit(); // fall back to a plain post: the server answers with the whole page
    }).finally(() => {
      form.removeAttribute("data-busy");
      busy(form, control, false);
      // A kept control (not redrawn) gets its focus back once it is enabled again.
      const again = focusedId && document.getElementById(focusedId);
      if (again && (document.activeElement === document.body || document.activeElement === null)) again.focus();
    }));
  }

  // The Pay button: on only when something is selected (the server says) and a method is chosen.
  function updatePay() {
    const pay = document.getElementById("pay-button");
    if (!pay || document.querySelector("form[data-busy]")) return;
    const chosen = document.querySelector("input[name='Method'][form='pay-form']:checked");
    pay.disabled = pay.dataset.hasSelection !== "true" || !chosen;
    const ach = document.getElementById("ach-authorization");
    if (ach) ach.hidden = !(chosen && chosen.dataset.kind === "bank");
  }

  document.addEventListener("submit", event => {
    const form = event.target;
    if (!(form instanceof HTMLFormElement)) return;
    if (form.id === "pay-form") {
      // One click, one submit (the idempotency key makes a second one harmless; this saves the wait).
      if (form.hasAttribute("data-submitted")) { event.preventDefault(); return; }
      form.setAttribute("data-submitted", "true");
      const pay = document.getElementById("pay-button");
      if (pay) {
        pay.setAttribute("aria-disabled", "true");
        pay.classList.add("disabled");
        pay.textContent = "Paying " + (pay.textContent || "").replace(/^Pay /, "") + "…";
        const spinner = document.createElement("span");
        spinner.className = "cp-spinner";
        spinner.setAttribute("aria-hidden", "true");
        pay.appendChild(spinner);
      }
      return;
    }
    if (!form.hasAttribute("data-fetch")) {
      if (form.hasAttribute("data-auto-submit")) showNavigating(form, event.submitter);
      return;
    }
    event.preventDefault();
    send(form, event.submitter);
  });

  // A plain post or GET that reloads the page (choice, rows per page): the same feedback until the page comes back.
  function showNavigating(form, control) {
    workarea.setAttribute("aria-busy", "true");
    const group = form.querySelector(".choice-options");
    if (group) group.setAttribute("aria-busy", "true");
    const host = control || form.querySelector("input:checked + label, select");
    if (host && !form.querySelector(".cp-spinner")) {
      const spinner = document.createElement("span");
      spinner.className = "cp-spinner";
      spinner.setAttribute("aria-hidden", "true");
      host.insertAdjacentElement(host.tagName === "BUTTON" ? "beforeend" : "afterend", spinner);
    }
  }

  // Back to this page from the browser's cache: nothing is running any more.
  window.addEventListener("pageshow", event => {
    if (!event.persisted) return;
    workarea.removeAttribute("aria-busy");
    document.querySelectorAll(".cp-spinner").forEach(x => x.remove());
    const form = document.getElementById("pay-form");
    if (form) form.removeAttribute("data-submitted");
    const pay = document.getElementById("pay-button");
    if (pay) { pay.classList.remove("disabled"); pay.removeAttribute("aria-disabled"); }
    updatePay();
  });

  document.addEventListener("change", event => {
    const el = event.target;
    if (el.matches("input[data-submit-on-change]")) {
      send(el.form, el);
    } else if (el.closest("form[data-auto-submit]")) {
      const form = el.closest("form");
      showNavigating(form, null);
      form.submit();
    } else if (el.matches("input[name='Method'][form='pay-form']")) {
      updatePay();
    }
  });

  document.addEventListener("click", event => {
    const link = event.target.closest("a[data-expand]");
    if (!link) return;
    event.preventDefault();
    showExpanded(link, link.getAttribute("aria-expanded") !== "true");
    rememberExpanded();
  });

  markIndeterminate(document);
  updatePay();
})();
