/* Leitai: a judge's marks, checked and added up exactly as the server does (leitai.scoring's
 * Rubric.check_sheet and the sheet's total Σ weight × mark, written as arenas.panel.plain writes it).
 *
 *   var grid = LeitaiMarks.grid(rubric, english)   the rubric on its step grid
 *   grid.criteria, grid.criterion(key)             {key, label, description, maximum, step, weight, …}
 *   grid.maxTotal                                  "100" (the rubric's maximum total)
 *   grid.read(c, raw)                              {units, text, error}; error: null, "missing",
 *                                                  "number", "above" or "step"
 *   grid.evaluate(draft)                           {marks, errors, complete, total}
 *   grid.step(c, raw, direction)                   the mark one step up (+1) or down (−1), as text
 *   LeitaiMarks.normalise(text)                    full-width digits and 。，to ASCII
 *
 * Marks are held as integers in units of 10^-D (D: the most decimals any step or maximum has);
 * weights as integers in units of 10^-W. Σ weight × mark is then an integer in units of
 * 10^-(D+W): no binary fraction ever enters a total, and a total is never rounded (the server
 * stores it exact). tests/js/marks.test.js and tests/screens/test_judge_marks.py check it.
 *
 * Plain ES2017, no modules, no build step (in-app browsers, plain-HTTP LAN addresses).
 */
(function (root) {
  "use strict";

  function decimalsOf(text) {
    var point = String(text).indexOf(".");
    return point < 0 ? 0 : String(text).length - point - 1;
  }

  // "27.5" at 2 places → 2750; null when not a plain decimal; NaN when finer than the grid.
  function toUnits(text, places) {
    var match = /^(\d+)(?:\.(\d*))?$/.exec(text);
    if (!match) return null;
    var fraction = match[2] || "";
    if (fraction.length > places) {
      if (/[^0]/.test(fraction.slice(places))) return NaN; // finer than the grid
      fraction = fraction.slice(0, places);
    }
    while (fraction.length < places) fraction += "0";
    return parseInt(match[1] + fraction, 10);
  }

  // 2750 at 2 places → "27.5" (trailing zeros dropped, as the server writes decimals).
  function fromUnits(units, places) {
    var text = String(Math.abs(units));
    while (text.length <= places) text = "0" + text;
    var whole = places ? text.slice(0, text.length - places) : text;
    var fraction = places ? text.slice(text.length - places).replace(/0+$/, "") : "";
    return (units < 0 ? "-" : "") + whole + (fraction ? "." + fraction : "");
  }

  // What people type on a Chinese keyboard: full-width digits, 。 or ， for the point.
  function normalise(text) {
    return String(text == null ? "" : text)
      .replace(/[\uFF10-\uFF19]/g, function (ch) {
        return String.fromCharCode(ch.charCodeAt(0) - 0xff10 + 48);
      })
      .replace(/[。．，,\uFF0E]/g, ".")
      .replace(/\s+/g, "");
  }

  function grid(rubric, english) {
    var markPlaces = 0;
    var weightPlaces = 0;
    rubric.forEach(function (c) {
      markPlaces = Math.max(markPlaces, decimalsOf(c.step), decimalsOf(c.maximum));
      weightPlaces = Math.max(weightPlaces, decimalsOf(c.weight));
    });
    var criteria = rubric.map(function (c) {
      return {
        key: c.key,
        label: english && c.label_en ? c.label_en : c.label,
        description: english && c.description_en ? c.description_en : c.description,
        maximum: c.maximum,
        step: c.step,
        weight: c.weight,
        max: toUnits(String(c.maximum), markPlaces),
        stepUnits: toUnits(String(c.step), markPlaces),
        weightUnits: toUnits(String(c.weight), weightPlaces),
      };
    });
    var totalPlaces = markPlaces + weightPlaces;
    var maxTotal = 0;
    criteria.forEach(function (c) {
      maxTotal += c.max * c.weightUnits;
    });

    function criterion(key) {
      for (var i = 0; i < criteria.length; i += 1) if (criteria[i].key === key) return criteria[i];
      return null;
    }

    function read(c, raw) {
      var text = normalise(raw);
      if (text === "") return { units: null, text: "", error: "missing" };
      if (text.charAt(0) === ".") text = "0" + text;
      if (text.charAt(text.length - 1) === ".") text = text.slice(0, -1);
      var units = toUnits(text, markPlaces);
      if (units === null) return { units: null, text: text, error: "number" };
      if (Number.isNaN(units) || units % c.stepUnits !== 0)
        return { units: null, text: text, error: "step" };
      if (units > c.max) return { units: null, text: text, error: "above" };
      return { units: units, text: fromUnits(units, markPlaces), error: null };
    }

    // The sheet in a draft ({key: typed text}): {marks: {key: "27.5"}, total: "78.5" or null
    // (null until a mark is valid), complete, errors: {key: error} (missing marks not listed)}.
    function evaluate(draft) {
      var marks = {};
      var errors = {};
      var sum = 0;
      var complete = true;
      criteria.forEach(function (c) {
        var mark = read(c, draft[c.key]);
        if (mark.error) {
          complete = false;
          if (mark.error !== "missing") errors[c.key] = mark.error;
        } else {
          marks[c.key] = mark.text;
          sum += mark.units * c.weightUnits;
        }
      });
      return {
        marks: marks,
        errors: errors,
        complete: complete,
        total: Object.keys(marks).length > 0 ? fromUnits(sum, totalPlaces) : null,
      };
    }

    // The "+" and "−" buttons: one step from a valid mark; from empty, "+" starts at one step and
    // "−" at the maximum (judges mostly mark high); from an off-grid or too-high mark, the grid
    // point below it, then a step. Always within [0, maximum].
    function step(c, raw, direction) {
      var mark = read(c, raw);
      var units;
      if (mark.units === null) {
        units = direction > 0 ? c.stepUnits : c.max;
        if (mark.error === "step" || mark.error === "above") {
          var rough = toUnits(normalise(raw).replace(/\.$/, ""), markPlaces + 6);
          if (rough !== null && !Number.isNaN(rough)) {
            var onGrid = Math.floor(rough / 10 ** 6 / c.stepUnits) * c.stepUnits;
            units = Math.min(c.max, direction > 0 ? onGrid + c.stepUnits : onGrid);
          }
        }
      } else {
        units = mark.units + direction * c.stepUnits;
      }
      return fromUnits(Math.max(0, Math.min(c.max, units)), markPlaces);
    }

    return {
      markPlaces: markPlaces,
      totalPlaces: totalPlaces,
      criteria: criteria,
      maxTotal: fromUnits(maxTotal, totalPlaces),
      criterion: criterion,
      read: read,
      evaluate: evaluate,
      step: step,
    };
  }

  root.LeitaiMarks = {
    grid: grid,
    normalise: normalise,
    toUnits: toUnits,
    fromUnits: fromUnits,
    decimalsOf: decimalsOf,
  };
})(typeof window === "undefined" ? globalThis : window);
