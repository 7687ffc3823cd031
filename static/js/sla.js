/* SLA clocks that count down without a reload (templates/sla/_clock.html).
 *
 * Each clock carries the seconds left when it was rendered (data-remaining, negative once overdue)
 * and, while its time runs, for how many seconds it keeps running (data-ticking: business time
 * stops when the office closes; a paused clock has none). Every second the text and the colour
 * (ok → warning at data-warn-below → breached below zero) follow the time passed since the clock
 * arrived on the page; htmx swaps in fresh clocks periodically, which resynchronises them.
 */
(() => {
  "use strict";

  const STATES = ["ok", "warning", "breached", "paused"];

  function format(seconds, daySeconds) {
    let rest = Math.abs(Math.trunc(seconds));
    const days = Math.floor(rest / daySeconds);
    rest -= days * daySeconds;
    const hours = Math.floor(rest / 3600);
    const minutes = Math.floor((rest - hours * 3600) / 60);
    if (days) return hours ? `${days}d ${hours}h` : `${days}d`;
    if (hours) return minutes ? `${hours}h ${minutes}m` : `${hours}h`;
    return `${minutes}m`;
  }

  // A clock only moves towards red; the server's state (a breach it recorded) is the floor.
  function stateFor(clock, remaining) {
    const server = clock.dataset.state;
    if (remaining < 0 || server === "breached") return "breached";
    const warnBelow = clock.dataset.warnBelow;
    if (server === "warning" || (warnBelow !== undefined && remaining <= Number(warnBelow))) return "warning";
    return server;
  }

  function tick(clock, now) {
    if (clock.dataset.ticking === undefined) return;
    if (!clock.dataset.arrived) clock.dataset.arrived = String(now);
    const elapsed = Math.min((now - Number(clock.dataset.arrived)) / 1000, Number(clock.dataset.ticking));
    const remaining = Number(clock.dataset.remaining) - elapsed;
    const text = clock.querySelector("[data-sla-text]");
    const amount = format(remaining, Number(clock.dataset.day));
    text.textContent = remaining < 0 ? `${amount} overdue` : `${amount} left`;
    const state = stateFor(clock, remaining);
    STATES.forEach((name) => clock.classList.toggle(`badge-${name}`, name === state));
    clock.dataset.shownState = state;
  }

  function tickAll() {
    const now = Date.now();
    document.querySelectorAll("[data-sla-clock]").forEach((clock) => tick(clock, now));
  }

  setInterval(tickAll, 1000);
  document.addEventListener("htmx:afterSwap", tickAll);
  document.addEventListener("DOMContentLoaded", tickAll);
})();
