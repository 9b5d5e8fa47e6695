// Which sheet the judge's form is for (arena-judge-target.js): the presenter on stage while the
// judge has a sheet to give, else the first sheet the host reopened that is not the on-stage one.
"use strict";

const test = require("node:test");
const assert = require("node:assert/strict");
const { load } = require("./load.js");

const { LeitaiJudgeTarget } = load(["arena-judge-target.js"]);
const target = LeitaiJudgeTarget.scoringTarget;

function presenter(fields) {
  return {
    id: 7,
    position: 3,
    unit: "第三网格党支部",
    status: "scoring",
    my_status: "waiting",
    my_sheet: null,
    ...fields,
  };
}

const EARLIER = { participant: 5, position: 1, unit: "第一网格党支部", reason: "录入有误" };
const SENT = { total: "80", marks: {} };

test("the presenter on stage, while this judge has a sheet to give", () => {
  const current = presenter();
  assert.equal(target({ current, reopened: [EARLIER] }), current);
  assert.equal(target({ current, reopened: [] }), current);
  assert.equal(target({ current }), current);
});

test("the presenter on stage whose own sheet was reopened, with the host's reason", () => {
  const current = presenter();
  const own = { participant: 7, position: 3, unit: "第三网格党支部", reason: "漏填一项" };
  assert.deepEqual(target({ current, reopened: [EARLIER, own] }), { ...current, reopened: "漏填一项" });
});

test("a sheet reopened for an earlier presenter once this judge's sheet is in", () => {
  const current = presenter({ my_sheet: SENT });
  const form = target({ current, reopened: [EARLIER] });
  assert.equal(form.id, 5);
  assert.equal(form.unit, "第一网格党支部");
  assert.equal(form.reopened, "录入有误");
  assert.equal(form.scoring_open, true);
  assert.equal(form.my_sheet, null);
});

test("the on-stage presenter's reopened sheet does not hide an earlier one", () => {
  // Its sheet is in again (or the judge does not score it): the correction of the earlier
  // presenter's sheet is what the form is for, not the presenter on stage.
  for (const fields of [{ my_sheet: SENT }, { my_status: "recused" }, { status: "scored" }]) {
    const current = presenter(fields);
    const own = { participant: 7, position: 3, unit: "第三网格党支部", reason: "漏填一项" };
    const form = target({ current, reopened: [own, EARLIER] });
    assert.equal(form.id, 5, JSON.stringify(fields));
    assert.equal(form.reopened, "录入有误");
  }
});

test("nothing to give: the presenter's own state, or nothing at all", () => {
  const current = presenter({ my_sheet: SENT });
  assert.equal(target({ current, reopened: [] }), current);
  const own = { participant: 7, position: 3, unit: "第三网格党支部", reason: "漏填一项" };
  assert.equal(target({ current, reopened: [own] }), current);
  assert.equal(target({ current: null, reopened: [] }), null);
  assert.equal(target({ current: null, reopened: [EARLIER] }).id, 5);
});
