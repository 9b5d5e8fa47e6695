// The judge's outbox (arena-outbox.js): a sheet is kept in storage until the server answers, resent
// with the same key after a failure or a reload, kept among the refused when refused for good.
"use strict";

const test = require("node:test");
const assert = require("node:assert/strict");
const { load } = require("./load.js");

const { LeitaiOutbox } = load(["arena-outbox.js"]);

function memoryStorage() {
  const items = {};
  return {
    items,
    getItem: (name) => (name in items ? items[name] : null),
    setItem: (name, value) => {
      items[name] = String(value);
    },
  };
}

// Timers the test runs by hand, and a fixed "random" (the jitter's low end).
function manualClock() {
  const timers = [];
  return {
    timers,
    setTimeout: (f, ms) => {
      const timer = { f, ms, done: false };
      timers.push(timer);
      return timer;
    },
    clearTimeout: (timer) => {
      timer.done = true;
    },
    now: () => 1000,
    random: () => 0,
    crypto: null,
    fire() {
      const timer = timers.find((t) => !t.done);
      timer.done = true;
      timer.f();
      return timer.ms;
    },
  };
}

// A server whose answers the test gives: each send waits until answer() or fail() is called.
function fakeServer() {
  const calls = [];
  return {
    calls,
    send: (entry) =>
      new Promise((resolve, reject) => {
        calls.push({ entry: JSON.parse(JSON.stringify(entry)), resolve, reject });
      }),
    answer(status, data) {
      calls.at(-1).resolve({ status, data });
      return settle();
    },
    fail() {
      calls.at(-1).reject(new TypeError("Failed to fetch"));
      return settle();
    },
  };
}

const settle = () => new Promise((resolve) => setImmediate(resolve));

function phone(storage, { server = fakeServer(), clock = manualClock(), signedIn = true } = {}) {
  const events = { accepted: [], changes: [] };
  const box = LeitaiOutbox.create({
    store: LeitaiOutbox.store("leitai.judge.7.", storage),
    send: server.send,
    canSend: () => signedIn,
    onAccepted: (entry, data) => events.accepted.push({ entry, data }),
    onChange: (what) => events.changes.push(what),
    clock,
  });
  return { box, server, clock, events };
}

const SHEET = { participant: 11, unit: "一中", position: 3, marks: { a: "7.5" }, total: "7.5" };

test("a sheet is in storage before it is sent, and leaves it when the server stores it", async () => {
  const storage = memoryStorage();
  const { box, server, events } = phone(storage);
  box.add(SHEET);
  const stored = JSON.parse(storage.items["leitai.judge.7.outbox"]);
  assert.equal(stored.length, 1);
  assert.match(stored[0].key, /^ph-[0-9a-f]{32}$/);
  assert.deepEqual(JSON.parse(storage.items["leitai.judge.7.sent"]), { 11: { a: "7.5" } });
  box.flushNow();
  assert.equal(box.sending(), true);
  assert.deepEqual(server.calls[0].entry.marks, { a: "7.5" });
  await server.answer(201, { total: "7.5", marks: { a: "7.5" } });
  assert.equal(box.sending(), false);
  assert.deepEqual(box.entries(), []);
  assert.deepEqual(JSON.parse(storage.items["leitai.judge.7.outbox"]), []);
  assert.equal(events.accepted.length, 1);
  assert.deepEqual(events.changes, ["sending", "answered"]);
});

test("after a failed send it is resent with the same key, backing off up to 30 s", async () => {
  const { box, server, clock } = phone(memoryStorage());
  box.add(SHEET);
  box.flush();
  const key = server.calls[0].entry.key;
  const delays = [];
  for (let n = 0; n < 7; n += 1) {
    await server.fail();
    delays.push(clock.fire());
  }
  // 0.75 × 1 s, 2 s, 4 s, … (the jitter's low end), never above 30 s
  assert.deepEqual(delays, [750, 1500, 3000, 6000, 12000, 22500, 22500]);
  assert.ok(server.calls.every((call) => call.entry.key === key));
  await server.answer(200, {});
  assert.equal(box.entries().length, 0);
});

test("a proxy's bare 404 or a 503 is no answer: resent; the API's 404 with a code is final", async () => {
  const { box, server, clock } = phone(memoryStorage());
  box.add(SHEET);
  box.flush();
  await server.answer(404, null);
  assert.equal(box.entries().length, 1);
  clock.fire();
  await server.answer(503, { detail: "busy" });
  assert.equal(box.entries().length, 1);
  clock.fire();
  await server.answer(404, { code: "not_found", detail: "Not in this arena." });
  assert.equal(box.entries().length, 0);
  assert.equal(box.rejected()[0].code, "not_found");
});

test("a refused sheet is kept, with its marks and the reasons, until dismissed", async () => {
  const storage = memoryStorage();
  const { box, server } = phone(storage);
  box.add(SHEET);
  box.flush();
  await server.answer(409, { code: "key_reused", detail: "Other marks.", problems: [] });
  assert.equal(box.entries().length, 0);
  assert.equal(box.rejectedIndex(11), 0);
  assert.deepEqual(box.rejected()[0].marks, { a: "7.5" });
  assert.equal(box.sentMarks(11), undefined); // nothing to start a reopened sheet from
  const again = phone(storage).box; // a reload keeps it
  assert.equal(again.rejected()[0].detail, "Other marks.");
  again.dismiss(0);
  assert.deepEqual(JSON.parse(storage.items["leitai.judge.7.rejected"]), []);
});

test("a reload sends what the last page left queued, with its key; in order", async () => {
  const storage = memoryStorage();
  const first = phone(storage);
  first.box.add(SHEET);
  first.box.add({ ...SHEET, participant: 12, position: 4 });
  const keys = first.box.entries().map((e) => e.key);
  assert.notEqual(keys[0], keys[1]);
  const { box, server } = phone(storage); // the page is reloaded before anything went out
  box.flush();
  assert.equal(server.calls[0].entry.key, keys[0]);
  await server.answer(201, {});
  assert.equal(server.calls[1].entry.key, keys[1]); // the next goes out at once
  await server.answer(201, {});
  assert.equal(box.entries().length, 0);
});

test("signed out (401), the phone keeps its sheets and stops sending", async () => {
  let signedIn = true;
  const storage = memoryStorage();
  const server = fakeServer();
  const clock = manualClock();
  const box = LeitaiOutbox.create({
    store: LeitaiOutbox.store("p.", storage),
    send: server.send,
    canSend: () => signedIn,
    onAccepted: () => {},
    onChange: () => {},
    clock,
  });
  box.add(SHEET);
  box.flush();
  signedIn = false;
  await server.answer(401, { detail: "revoked" });
  assert.equal(box.entries().length, 1);
  assert.equal(clock.timers.length, 0);
  box.flushNow();
  assert.equal(server.calls.length, 1);
});

test("storage that throws: the outbox works from memory", () => {
  const broken = {
    getItem: () => {
      throw new Error("SecurityError");
    },
    setItem: () => {
      throw new Error("QuotaExceededError");
    },
  };
  const store = LeitaiOutbox.store("p.", broken);
  store.set("outbox", [1, 2]);
  assert.deepEqual(store.get("outbox", []), [1, 2]);
  assert.deepEqual(store.get("other", "fallback"), "fallback");
  const { box } = phone(broken);
  box.add(SHEET);
  assert.equal(box.entries().length, 1);
});
