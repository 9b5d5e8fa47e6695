// The arena pages' shared helpers (arena-text.js): wording, the timer, and the one DOM builder.
"use strict";

const test = require("node:test");
const assert = require("node:assert/strict");
const { load } = require("./load.js");

// Just enough of a document to see what the builder asks of it.
function fakeDocument() {
  function node(fields) {
    return {
      ...fields,
      attributes: {},
      childNodes: [],
      setAttribute(name, value) {
        this.attributes[name] = value;
      },
      appendChild(child) {
        this.childNodes.push(child);
        return child;
      },
      set textContent(value) {
        this.childNodes = value ? [{ text: value }] : [];
      },
    };
  }
  return {
    createElement: (tag) => node({ tag }),
    createTextNode: (text) => ({ text }),
  };
}

const window = load(["arena-text.js"], { document: fakeDocument() });
const { LeitaiText } = window;

test("fmt fills the translations' placeholders and leaves unknown ones", () => {
  assert.equal(LeitaiText.fmt("%(n)s of %(max)s", { n: 3, max: 10 }), "3 of 10");
  assert.equal(LeitaiText.fmt("%(n)s and %(x)s", { n: 0 }), "0 and %(x)s");
});

test("minutes and a timer's time left, from the server's clock", () => {
  assert.equal(LeitaiText.minutes(425), "07:05");
  const timer = { state: "running", started_at: 10000, elapsed_ms: 2000, duration_ms: 60000 };
  assert.equal(LeitaiText.remainingMs(timer, 13000), 55000);
  assert.equal(LeitaiText.remainingMs(timer, 9000), 58000); // a clock behind never adds time
  assert.equal(LeitaiText.remainingMs({ state: "paused", duration_ms: 60000 }, 1e12), 60000);
});

test("the panel's note in words", () => {
  const S = {
    note_trimmed: "%(judges)s judges, %(trim)s dropped",
    note_trimmed_criterion: "per criterion",
    note_too_few: "under %(min)s",
    note_not_trimming: "mean",
  };
  const rule = { mode: "total", trim: 1, min_panel: 5 };
  assert.equal(LeitaiText.panelNote({ judges: 7, note: { outcome: "trimmed" } }, rule, S), "7 judges, 1 dropped");
  assert.equal(LeitaiText.panelNote({ judges: 7, note: { outcome: "trimmed" } }, { ...rule, mode: "criterion" }, S), "per criterion");
  assert.equal(LeitaiText.panelNote({ judges: 3, note: { outcome: "too_few_judges" } }, rule, S), "under 5");
  assert.equal(LeitaiText.panelNote({ judges: 3 }, rule, S), "mean");
});

test("h: text stays text, attributes null or false are left out, true is empty", () => {
  const { h } = LeitaiText;
  const p = h("p", { class: "small", hidden: false, disabled: true, "data-id": 7, title: null },
    "<b>not bold</b>", null, false, "", [" ", h("span", null, 0)]);
  assert.equal(p.tag, "p");
  assert.deepEqual(p.attributes, { class: "small", disabled: "", "data-id": "7" });
  assert.deepEqual(p.childNodes[0], { text: "<b>not bold</b>" });
  assert.deepEqual(p.childNodes[1], { text: " " });
  assert.equal(p.childNodes[2].tag, "span");
  assert.deepEqual(p.childNodes[2].childNodes, [{ text: "0" }]);
  assert.equal(p.childNodes.length, 3);
});

test("fill replaces an element's content", () => {
  const { h, fill } = LeitaiText;
  const box = h("div", null, "old");
  fill(box, h("b", null, "new"), "!");
  assert.deepEqual(box.childNodes.map((n) => n.tag || n.text), ["b", "!"]);
  fill(box);
  assert.deepEqual(box.childNodes, []);
});
