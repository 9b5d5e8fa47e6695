// Loads the product's classic browser scripts (leitai/arenas/static/leitai/) as the page does, one
// after another, with `window` the object given (in this realm, so deepEqual compares plainly);
// returns that window, on which the scripts define their globals.
"use strict";

const fs = require("node:fs");
const path = require("node:path");
const vm = require("node:vm");

const STATIC = path.join(__dirname, "..", "..", "leitai", "arenas", "static", "leitai");

function load(names, window = {}) {
  for (const name of names) {
    const file = path.join(STATIC, name);
    const source = `(function (window) {${fs.readFileSync(file, "utf8")}\n})`;
    vm.runInThisContext(source, { filename: file })(window);
  }
  return window;
}

module.exports = { load };
