/* Template editor helpers: clicking a variable in the reference panel inserts {{ name }} at the
   cursor of the field last edited (or copies it when no field has been edited yet). */
(function () {
  "use strict";
  let lastField = null;

  document.addEventListener("focusin", (event) => {
    if (event.target.matches("[data-lint-input]")) lastField = event.target;
  });

  function insert(name) {
    const text = `{{ ${name} }}`;
    if (lastField && document.body.contains(lastField)) {
      const start = lastField.selectionStart ?? lastField.value.length;
      const end = lastField.selectionEnd ?? start;
      lastField.setRangeText(text, start, end, "end");
      lastField.focus();
      lastField.dispatchEvent(new Event("input", { bubbles: true }));
      return "Inserted";
    }
    if (navigator.clipboard) navigator.clipboard.writeText(text);
    return "Copied";
  }

  function activate(el) {
    const before = el.textContent;
    el.textContent = insert(el.dataset.variable);
    setTimeout(() => (el.textContent = before), 1200);
  }

  document.addEventListener("click", (event) => {
    const el = event.target.closest("[data-variable]");
    if (el) activate(el);
  });
  document.addEventListener("keydown", (event) => {
    const el = event.target.closest && event.target.closest("[data-variable]");
    if (el && (event.key === "Enter" || event.key === " ")) {
      event.preventDefault();
      activate(el);
    }
  });
})();
