/* Agent workspace: keyboard work on the queue and the case page. Everything works without it.
 *
 * Queue: j / k move the selection, Enter (or o) opens the selected case; the selection survives the
 * htmx refresh of the rows; changing the sort order reloads at once ([data-autosubmit]).
 * Case page: r reply, n internal note (composer tabs), Ctrl+Enter sends the form being typed in;
 * a picked reply template is added to the reply box (htmx) and the cursor put after it;
 * a, s, e, t and u come from data-shortcut attributes in the templates; ? lists them all (app.js).
 */
(function () {
  "use strict";

  function ready(fn) {
    if (document.readyState !== "loading") fn();
    else document.addEventListener("DOMContentLoaded", fn);
  }

  function isTyping(target) {
    if (!target) return false;
    const tag = target.tagName;
    return target.isContentEditable || tag === "INPUT" || tag === "TEXTAREA" || tag === "SELECT";
  }

  /* ------------------------------------------------------------ queue */
  let selected = null; // reference of the selected row

  function rows() {
    return Array.from(document.querySelectorAll("[data-queue] tbody tr[data-reference]"));
  }

  function select(row, scroll) {
    rows().forEach((r) => {
      r.classList.toggle("is-selected", r === row);
      r.setAttribute("aria-selected", r === row ? "true" : "false");
    });
    if (!row) return;
    selected = row.dataset.reference;
    if (scroll) row.scrollIntoView({ block: "nearest" });
    const link = row.querySelector("a");
    if (link && scroll) link.focus({ preventScroll: true });
  }

  function move(step) {
    const list = rows();
    if (!list.length) return;
    const index = list.findIndex((row) => row.dataset.reference === selected);
    const next = index === -1 ? (step > 0 ? 0 : list.length - 1) : Math.min(list.length - 1, Math.max(0, index + step));
    select(list[next], true);
  }

  function openSelected() {
    const row = rows().find((r) => r.dataset.reference === selected);
    const link = row && row.querySelector("a[href]");
    if (link) window.location.href = link.href;
  }

  function setUpQueue() {
    if (!document.querySelector("[data-queue]") || !window.Tidings) return;
    Tidings.shortcuts.register("j", "Next case in the list", () => move(1));
    Tidings.shortcuts.register("k", "Previous case in the list", () => move(-1));
    Tidings.shortcuts.register("o", "Open the selected case (or Enter)", openSelected);
    document.addEventListener("keydown", (event) => {
      if (event.key !== "Enter" || isTyping(event.target) || event.ctrlKey || event.metaKey) return;
      if (!selected || document.querySelector("dialog[open]")) return;
      event.preventDefault();
      openSelected();
    });
    document.querySelectorAll("[data-autosubmit]").forEach((element) => {
      element.addEventListener("change", () => element.form.requestSubmit());
    });
    // The rows were replaced by the 20-second refresh: put the selection back on the same case.
    document.body.addEventListener("htmx:afterSwap", (event) => {
      if (event.target.id !== "queue-rows" || !selected) return;
      const row = rows().find((r) => r.dataset.reference === selected);
      if (row) select(row, false);
    });
  }

  /* ------------------------------------------------------------ case page: composer */
  let currentPane = "reply"; // kept when the composer is replaced after a send

  function showPane(composer, name, focus) {
    currentPane = name;
    composer.querySelectorAll("[data-composer-tab]").forEach((tab) => {
      const active = tab.dataset.composerTab === name;
      tab.classList.toggle("active", active);
      tab.setAttribute("aria-selected", active ? "true" : "false");
    });
    composer.querySelectorAll(".composer-pane").forEach((pane) => {
      pane.hidden = pane.id !== `composer-${name}`;
    });
    if (focus) {
      const field = composer.querySelector(`#composer-${name} textarea`);
      if (field) {
        field.scrollIntoView({ block: "center" });
        field.focus();
      }
    }
  }

  function setUpComposer(composer) {
    const tabs = composer.querySelector(".composer-tabs");
    if (!tabs) return;
    tabs.hidden = false;
    composer.classList.add("has-tabs");
    // With JavaScript a template goes in as soon as it is picked: no "Insert" button needed.
    composer.querySelectorAll("[data-without-js]").forEach((element) => (element.hidden = true));
    tabs.addEventListener("click", (event) => {
      const tab = event.target.closest("[data-composer-tab]");
      if (tab) showPane(composer, tab.dataset.composerTab, true);
    });
    // After a form error, show the pane whose form has it.
    const failed = composer.querySelector("#composer-note .field-error, #composer-note .form-errors");
    showPane(composer, failed ? "note" : currentPane, !!failed);
  }

  function composer() {
    return document.querySelector("[data-composer]");
  }

  // A reply template was inserted into the reply box (htmx swapped it): back to the text, at its end.
  document.addEventListener("htmx:afterSwap", (event) => {
    const config = event.detail && event.detail.requestConfig;
    if (!config || !config.elt || config.elt.id !== "reply-template") return;
    const picker = document.getElementById("reply-template");
    if (picker) picker.value = "";
    const field = document.getElementById("reply-body");
    if (field) {
      field.focus();
      field.setSelectionRange(field.value.length, field.value.length);
    }
  });

  function setUpCasePage() {
    if (!composer() || !window.Tidings) return;
    Tidings.shortcuts.register("r", "Reply to the customer", () => showPane(composer(), "reply", true));
    Tidings.shortcuts.register("n", "Add an internal note", () => showPane(composer(), "note", true));
  }

  // Ctrl/Cmd+Enter submits the form being typed in (reply, note, escalation reason).
  document.addEventListener("keydown", (event) => {
    if (event.key !== "Enter" || !(event.ctrlKey || event.metaKey)) return;
    const form = event.target.form;
    if (event.target.tagName === "TEXTAREA" && form) {
      event.preventDefault();
      form.requestSubmit();
    }
  });

  document.addEventListener("click", (event) => {
    if (event.target.closest("[data-shortcut-help]") && window.Tidings) Tidings.shortcuts.showHelp();
  });

  function hideSuccessLater(root) {
    root.querySelectorAll("[data-autohide]").forEach((flash) => {
      setTimeout(() => flash.remove(), 6000);
    });
  }

  ready(() => {
    setUpQueue();
    setUpCasePage();
    if (window.htmx) {
      // Runs for the page and again for every fragment htmx puts in (out-of-band parts included).
      htmx.onLoad((element) => {
        if (!element.querySelectorAll) return;
        const found = element.matches("[data-composer]") ? element : element.querySelector("[data-composer]");
        if (found) setUpComposer(found);
        hideSuccessLater(element);
      });
    } else {
      const found = composer();
      if (found) setUpComposer(found);
    }
  });
})();
