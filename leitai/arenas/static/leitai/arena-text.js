/* Leitai: text helpers shared by the arena pages (the screens, the judge's phone, the console).
 *
 *   LeitaiText.fmt(text, {name: v})   fills %(name)s placeholders, as the translations write them
 *   LeitaiText.minutes(seconds)       "07:05"
 *   LeitaiText.remainingMs(timer, now)  a stage timer's milliseconds left at `now` (server time;
 *                                     negative once over)
 *   LeitaiText.panelNote(result, rule, strings)  how the panel's score came about, in words
 *                                     (trimmed, too few judges to trim, not trimming)
 *   LeitaiText.h(tag, {attribute: value}, child, …)   a DOM element; children are strings (set
 *                                     as text, never parsed as HTML), nodes, arrays of them, or
 *                                     null/false (left out); an attribute null/false is left out,
 *                                     true is present and empty
 *   LeitaiText.fill(element, child, …)  the element's content replaced by the children
 *
 * Plain ES2017, no modules, no build step (in-app browsers, plain-HTTP LAN addresses).
 */
(function (root) {
  "use strict";

  function fmt(text, values) {
    return String(text).replace(/%\((\w+)\)s/g, function (whole, name) {
      return values && values[name] != null ? values[name] : whole;
    });
  }

  function pad(n) {
    return n < 10 ? "0" + n : String(n);
  }

  function minutes(seconds) {
    return pad(Math.floor(seconds / 60)) + ":" + pad(seconds % 60);
  }

  function remainingMs(timer, now) {
    var elapsed = timer.elapsed_ms || 0;
    if (timer.state === "running" && timer.started_at != null) {
      elapsed += Math.max(0, now - timer.started_at);
    }
    return timer.duration_ms - elapsed;
  }

  function panelNote(result, rule, strings) {
    var note = result.note || {};
    var values = { judges: result.judges, trim: rule.trim, min: rule.min_panel };
    if (note.outcome === "trimmed") {
      return fmt(
        rule.mode === "criterion" ? strings.note_trimmed_criterion : strings.note_trimmed,
        values
      );
    }
    if (note.outcome === "too_few_judges") return fmt(strings.note_too_few, values);
    return fmt(strings.note_not_trimming, values);
  }

  function append(parent, child) {
    if (child == null || child === false || child === "") return;
    if (Array.isArray(child)) {
      child.forEach(function (each) {
        append(parent, each);
      });
    } else if (typeof child === "object") {
      parent.appendChild(child);
    } else {
      parent.appendChild(root.document.createTextNode(String(child)));
    }
  }

  function h(tag, attributes, ...children) {
    var element = root.document.createElement(tag);
    Object.keys(attributes || {}).forEach(function (name) {
      var value = attributes[name];
      if (value == null || value === false) return;
      element.setAttribute(name, value === true ? "" : String(value));
    });
    append(element, children);
    return element;
  }

  function fill(element, ...children) {
    element.textContent = "";
    append(element, children);
    return element;
  }

  root.LeitaiText = {
    h: h,
    fill: fill,
    fmt: fmt,
    minutes: minutes,
    remainingMs: remainingMs,
    panelNote: panelNote,
  };
})(typeof window === "undefined" ? globalThis : window);
