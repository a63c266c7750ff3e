// Make a Payment: progressive enhancement. Without this file every control is a plain form post (POST-redirect-GET).
// With it, selection forms are posted with fetch and the server's fragments are swapped in: the overview and the work
// area, or (a toggle, when this page shows the version the server still has: draft revision and invoice figures) the
// overview, the changed rows and the Continue button. Every figure on screen is the server's.
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
  // redrawn, by a toggle's answer) says what is on screen now, e.g. after "Hide" was clicked while the answer was on its
  // way. The group wins; the address and the forms follow.
  function syncExpanded() {
    document.querySelectorAll("a[data-expand]").forEach(link => {
      const group = document.getElementById(link.getAttribute("aria-controls"));
      if (group) link.setAttribute("aria-expanded", group.hidden ? "false" : "true");
    });
    rememberExpanded();
  }

  function swap(html) {
    const focusedId = document.activeElement && document.activeElement.id;
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
    if (focusedId) {
      const again = document.getElementById(focusedId);
      if (again) again.focus();
    }
  }

  function send(form) {
    const body = new FormData(form);
    body.delete("open");
    expandedIds().forEach(id => body.append("open", id));
    workarea.setAttribute("aria-busy", "true");
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
        swap(html);
        if (version !== null) workarea.dataset.version = version;
      });
    }).catch(() => {
      form.submit(); // fall back to a plain post: the server answers with the whole page
    }).finally(() => workarea.removeAttribute("aria-busy")));
  }

  document.addEventListener("submit", event => {
    const form = event.target;
    if (!(form instanceof HTMLFormElement) || !form.hasAttribute("data-fetch")) return;
    event.preventDefault();
    send(form);
  });

  document.addEventListener("change", event => {
    const el = event.target;
    if (el.matches("input[data-submit-on-change]")) {
      send(el.form);
    } else if (el.closest("form[data-auto-submit]")) {
      el.closest("form").submit();
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
})();
