// The marks arithmetic of the judge's phone (arena-marks.js). The same figures against the Python
// rule, over generated sheets: tests/screens/test_judge_marks.py.
"use strict";

const test = require("node:test");
const assert = require("node:assert/strict");
const { load } = require("./load.js");

const { LeitaiMarks } = load(["arena-marks.js"]);

const RUBRIC = [
  { key: "content", label: "内容", label_en: "Content", maximum: "40", step: "0.5", weight: "1" },
  { key: "delivery", label: "表达", maximum: "30", step: "0.5", weight: "1.5" },
  { key: "time", label: "时间", maximum: "5", step: "0.25", weight: "0.5" },
];

test("units and back, exactly, on the grid", () => {
  assert.equal(LeitaiMarks.toUnits("27.5", 2), 2750);
  assert.equal(LeitaiMarks.toUnits("27.50", 1), 275);
  assert.ok(Number.isNaN(LeitaiMarks.toUnits("27.55", 1)));
  assert.equal(LeitaiMarks.toUnits("abc", 1), null);
  assert.equal(LeitaiMarks.fromUnits(2750, 2), "27.5");
  assert.equal(LeitaiMarks.fromUnits(5, 2), "0.05");
  assert.equal(LeitaiMarks.fromUnits(0, 2), "0");
  assert.equal(LeitaiMarks.fromUnits(-125, 2), "-1.25");
});

test("what a Chinese keyboard types is read as a number", () => {
  assert.equal(LeitaiMarks.normalise("２７。５"), "27.5");
  assert.equal(LeitaiMarks.normalise(" 2 7，5 "), "27.5");
  assert.equal(LeitaiMarks.normalise(null), "");
});

test("the grid: places, labels in the page's language, the maximum total", () => {
  const zh = LeitaiMarks.grid(RUBRIC, false);
  assert.equal(zh.markPlaces, 2);
  assert.equal(zh.totalPlaces, 3);
  assert.equal(zh.maxTotal, "87.5"); // 40 + 30 × 1.5 + 5 × 0.5
  assert.equal(zh.criterion("content").label, "内容");
  assert.equal(LeitaiMarks.grid(RUBRIC, true).criterion("content").label, "Content");
  assert.equal(zh.criterion("nope"), null);
});

test("one mark: missing, not a number, above the maximum, off the step", () => {
  const grid = LeitaiMarks.grid(RUBRIC, false);
  const content = grid.criterion("content");
  assert.equal(grid.read(content, "").error, "missing");
  assert.equal(grid.read(content, "x").error, "number");
  assert.equal(grid.read(content, "-1").error, "number");
  assert.equal(grid.read(content, "40.5").error, "above");
  assert.equal(grid.read(content, "27.3").error, "step");
  assert.equal(grid.read(content, "27.501").error, "step");
  assert.deepEqual(grid.read(content, "27.50"), { units: 2750, text: "27.5", error: null });
  assert.deepEqual(grid.read(content, ".5"), { units: 50, text: "0.5", error: null });
  assert.deepEqual(grid.read(content, "27."), { units: 2700, text: "27", error: null });
});

test("the weighted total is exact: halves and quarters are never rounded", () => {
  const grid = LeitaiMarks.grid(RUBRIC, false);
  // 27.5 + 22.5 × 1.5 + 4.75 × 0.5 = 27.5 + 33.75 + 2.375
  assert.deepEqual(grid.evaluate({ content: "27.5", delivery: "22.5", time: "4.75" }), {
    marks: { content: "27.5", delivery: "22.5", time: "4.75" },
    errors: {},
    complete: true,
    total: "63.625",
  });
  // 0.1 + 0.2 in binary would be 0.30000000000000004
  const tenths = LeitaiMarks.grid(
    [
      { key: "a", maximum: "10", step: "0.1", weight: "1" },
      { key: "b", maximum: "10", step: "0.1", weight: "1" },
    ],
    false,
  );
  assert.equal(tenths.evaluate({ a: "0.1", b: "0.2" }).total, "0.3");
});

test("an incomplete sheet: the total of what is valid, errors for what is wrong", () => {
  const grid = LeitaiMarks.grid(RUBRIC, false);
  const sheet = grid.evaluate({ content: "30", delivery: "31" });
  assert.equal(sheet.complete, false);
  assert.deepEqual(sheet.errors, { delivery: "above" });
  assert.equal(sheet.total, "30");
  assert.equal(grid.evaluate({}).total, null);
});

test("+ and −: one step, from empty, from off the grid, within [0, maximum]", () => {
  const grid = LeitaiMarks.grid(RUBRIC, false);
  const content = grid.criterion("content");
  assert.equal(grid.step(content, "27.5", 1), "28");
  assert.equal(grid.step(content, "27.5", -1), "27");
  assert.equal(grid.step(content, "", 1), "0.5");
  assert.equal(grid.step(content, "", -1), "40");
  assert.equal(grid.step(content, "27.3", 1), "27.5");
  assert.equal(grid.step(content, "27.3", -1), "27");
  assert.equal(grid.step(content, "55", -1), "40");
  assert.equal(grid.step(content, "40", 1), "40");
  assert.equal(grid.step(content, "0", -1), "0");
});
