/* Tidings staff app: small shared behaviour. Everything works without it; this only adds comfort.
 *
 * - Navigation drawer on phones ([data-nav-toggle], [data-nav-close]).
 * - Menus built from <details data-dismissable> close on outside click and Escape.
 * - Flash messages close with [data-dismiss].
 * - <form data-confirm="Revoke this key?"> asks before submitting.
 * - <button data-copy="#element-id"> copies that element's text.
 * - <code data-colour-of="id_brand_colour"> follows that colour input's value.
 * - <time data-relative> shows "5 min ago" (the absolute time, already in the viewer's time zone,
 *   stays in its title attribute).
 * - Keyboard shortcuts. Mark any link, button or field with data-shortcut="g q" (a sequence) or
 *   data-shortcut="/" (one key) and data-shortcut-label="Go to the queue": pressing the keys clicks
 *   it (or focuses it when it is a field). Scripts may add their own:
 *     Tidings.shortcuts.register("r", "Reply", () => ...);
 *   "?" lists every shortcut on the page.
 */
(function () {
  "use strict";

  const registered = new Map(); // keys -> {label, handler}

  function isTyping(target) {
    if (!target) return false;
    const tag = target.tagName;
    return target.isContentEditable || tag === "INPUT" || tag === "TEXTAREA" || tag === "SELECT";
  }

  function visible(element) {
    return !!(element.offsetWidth || element.offsetHeight || element.getClientRects().length);
  }

  function shortcutElements() {
    return Array.from(document.querySelectorAll("[data-shortcut]")).filter(visible);
  }

  function activate(element) {
    if (isTyping(element)) {
      element.focus();
      if (typeof element.select === "function") element.select();
    } else {
      element.click();
    }
  }

  function allShortcuts() {
    const list = [];
    shortcutElements().forEach((element) => {
      const label = element.dataset.shortcutLabel || element.getAttribute("aria-label") || element.textContent.trim();
      list.push({ keys: element.dataset.shortcut, label: label, run: () => activate(element) });
    });
    registered.forEach((entry, keys) => list.push({ keys: keys, label: entry.label, run: entry.handler }));
    list.push({ keys: "?", label: "Show keyboard shortcuts", run: showHelp });
    return list;
  }

  function showHelp() {
    let dialog = document.getElementById("shortcut-help");
    if (!dialog) {
      dialog = document.createElement("dialog");
      dialog.id = "shortcut-help";
      dialog.setAttribute("aria-labelledby", "shortcut-help-title");
      document.body.appendChild(dialog);
    }
    const rows = allShortcuts()
      .map((s) => {
        const keys = s.keys
          .split(" ")
          .map((k) => `<kbd class="kbd">${escapeHtml(k)}</kbd>`)
          .join(" then ");
        return `<dt>${keys}</dt><dd>${escapeHtml(s.label)}</dd>`;
      })
      .join("");
    dialog.innerHTML =
      '<h2 id="shortcut-help-title">Keyboard shortcuts</h2>' +
      `<dl class="shortcut-list">${rows}</dl>` +
      '<form method="dialog"><button class="btn" autofocus>Close</button></form>';
    dialog.showModal();
  }

  function escapeHtml(text) {
    const div = document.createElement("div");
    div.textContent = text;
    return div.innerHTML;
  }

  let pending = ""; // first key of a two-key sequence
  let pendingTimer = null;

  document.addEventListener("keydown", (event) => {
    if (event.key === "Escape") {
      document.querySelectorAll("details[data-dismissable][open]").forEach((d) => d.removeAttribute("open"));
      setNavOpen(false);
      return;
    }
    if (event.ctrlKey || event.metaKey || event.altKey || isTyping(event.target)) return;
    if (document.querySelector("dialog[open]")) return;
    const key = event.key.length === 1 ? event.key : "";
    if (!key) return;
    const sequence = pending ? `${pending} ${key}` : key;
    const shortcuts = allShortcuts();
    const match = shortcuts.find((s) => s.keys === sequence);
    clearTimeout(pendingTimer);
    if (match) {
      pending = "";
      event.preventDefault();
      match.run();
      return;
    }
    const isPrefix = !pending && shortcuts.some((s) => s.keys.startsWith(`${key} `));
    pending = isPrefix ? key : "";
    if (isPrefix) pendingTimer = setTimeout(() => (pending = ""), 1200);
  });

  /* ------------------------------------------------------------ navigation drawer */
  function setNavOpen(open) {
    const toggle = document.querySelector("[data-nav-toggle]");
    if (!toggle) return;
    document.documentElement.classList.toggle("nav-open", open);
    toggle.setAttribute("aria-expanded", open ? "true" : "false");
    const backdrop = document.querySelector("[data-nav-close]");
    if (backdrop) backdrop.hidden = !open;
  }

  document.addEventListener("click", (event) => {
    const target = event.target;
    if (target.closest("[data-nav-toggle]")) {
      setNavOpen(!document.documentElement.classList.contains("nav-open"));
      return;
    }
    if (target.closest("[data-nav-close]")) setNavOpen(false);

    document.querySelectorAll("details[data-dismissable][open]").forEach((details) => {
      if (!details.contains(target)) details.removeAttribute("open");
    });

    const dismiss = target.closest("[data-dismiss]");
    if (dismiss) {
      const flash = dismiss.closest(".flash");
      if (flash) flash.remove();
    }

    const copy = target.closest("[data-copy]");
    if (copy) {
      const source = document.querySelector(copy.dataset.copy);
      if (source && navigator.clipboard) {
        navigator.clipboard.writeText(source.textContent.trim()).then(() => {
          const label = copy.querySelector("[data-copy-label]") || copy;
          const before = label.textContent;
          label.textContent = "Copied";
          setTimeout(() => (label.textContent = before), 1800);
        });
      }
    }
  });

  /* ------------------------------------------------------------ colour pickers show their hex value */
  document.addEventListener("input", (event) => {
    const input = event.target;
    if (input.type !== "color" || !input.id) return;
    document.querySelectorAll(`[data-colour-of="${input.id}"]`).forEach((el) => (el.textContent = input.value));
  });

  /* ------------------------------------------------------------ confirmations */
  document.addEventListener("submit", (event) => {
    const form = event.target;
    if (form.dataset && form.dataset.confirm && !window.confirm(form.dataset.confirm)) {
      event.preventDefault();
    }
  });

  /* ------------------------------------------------------------ relative times */
  const units = [
    ["year", 31536000],
    ["month", 2592000],
    ["week", 604800],
    ["day", 86400],
    ["hour", 3600],
    ["minute", 60],
  ];
  const relative = new Intl.RelativeTimeFormat(document.documentElement.lang || "en", { numeric: "auto" });

  function refreshRelativeTimes(root) {
    (root || document).querySelectorAll("time[data-relative]").forEach((element) => {
      const when = new Date(element.getAttribute("datetime"));
      if (Number.isNaN(when.getTime())) return;
      const seconds = (when.getTime() - Date.now()) / 1000;
      const abs = Math.abs(seconds);
      if (abs < 45) {
        element.textContent = "just now";
        return;
      }
      const [unit, size] = units.find(([, s]) => abs >= s) || ["minute", 60];
      element.textContent = relative.format(Math.round(seconds / size), unit);
    });
  }

  document.addEventListener("DOMContentLoaded", () => refreshRelativeTimes());
  document.addEventListener("htmx:afterSwap", (event) => refreshRelativeTimes(event.target));
  setInterval(() => refreshRelativeTimes(), 60000);

  window.Tidings = {
    shortcuts: {
      register(keys, label, handler) {
        registered.set(keys, { label: label, handler: handler });
      },
      unregister(keys) {
        registered.delete(keys);
      },
      showHelp: showHelp,
    },
  };
})();
