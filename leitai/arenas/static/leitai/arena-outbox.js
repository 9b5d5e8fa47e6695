/* Leitai: the judge's outbox: sheets kept on the phone until the server has them.
 *
 * Pressing "submit" first writes the sheet, with a fresh idempotency key, to the outbox in
 * localStorage; the outbox is then sent, and resent (flushNow) on the "online" event, when the
 * live connection comes back, when the page is shown again, and on a timer with backoff, until
 * the server answers. The server stores a key once and answers a repeat with the stored sheet,
 * so a sheet whose answer was lost is stored exactly once; it refuses the same key with other
 * marks, which is kept, with the marks, among the refused sheets for the host's paper entry.
 *
 *   var store = LeitaiOutbox.store(prefix)   localStorage under prefix, or memory when it fails
 *   var box = LeitaiOutbox.create({store, send, canSend, onAccepted, onChange})
 *     send(entry) → Promise of {status, data}     (the API client's POST of the sheet)
 *     canSend() → false while the phone is signed out (the sheets stay queued)
 *     onAccepted(entry, data)                    the server stored the sheet (200 or 201)
 *     onChange(what)                             "sending" as a sheet goes out, "answered" after
 *   box.add(sheet), box.flush(), box.flushNow(), box.entries(), box.sending(), box.find(id),
 *   box.rejected(), box.rejectedIndex(id), box.dismiss(index), box.sentMarks(id)
 *
 * Timers and randomness come from `options.clock` when given (the unit tests: tests/js/).
 * Plain ES2017, no modules, no build step, no crypto.randomUUID: it runs on a plain-HTTP LAN
 * address (not a secure context) and in in-app browsers such as WeChat's.
 */
(function (root) {
  "use strict";

  // localStorage may be missing or throw (private modes, some in-app browsers): keep working
  // from memory then; the sheet still goes out while the page is open.
  function store(prefix, backend) {
    var memory = {};
    function local() {
      return backend === undefined ? root.localStorage : backend;
    }
    return {
      get: function (name, fallback) {
        var text = null;
        try {
          text = local().getItem(prefix + name);
        } catch (_e) {
          text = memory[prefix + name] || null;
        }
        if (text == null) text = memory[prefix + name] || null;
        if (text == null) return fallback;
        try {
          return JSON.parse(text);
        } catch (_e) {
          return fallback;
        }
      },
      set: function (name, value) {
        var text = JSON.stringify(value);
        memory[prefix + name] = text;
        try {
          local().setItem(prefix + name, text);
        } catch (_e) {
          /* memory copy kept */
        }
      },
    };
  }

  // An idempotency key without crypto.randomUUID (absent outside secure contexts).
  function newKey(cryptoObj) {
    var bytes = new Uint8Array(16);
    if (cryptoObj && cryptoObj.getRandomValues) {
      cryptoObj.getRandomValues(bytes);
    } else {
      for (var i = 0; i < bytes.length; i += 1) bytes[i] = Math.floor(Math.random() * 256);
    }
    var hex = "";
    for (var j = 0; j < bytes.length; j += 1)
      hex += (bytes[j] < 16 ? "0" : "") + bytes[j].toString(16);
    return "ph-" + hex;
  }

  // 409 and 422 are the API's refusals; a 404 too when the API answered it (its JSON names
  // the code: an id not in this arena). A bare 404 from something in front of the server (a
  // proxy mid-restart) is no answer about the sheet: it is resent.
  function isFinalRefusal(answer) {
    if (answer.status === 409 || answer.status === 422) return true;
    return answer.status === 404 && !!(answer.data && answer.data.code);
  }

  function create(options) {
    var saved = options.store;
    var clock = options.clock || {
      setTimeout: function (f, ms) {
        return root.setTimeout(f, ms);
      },
      clearTimeout: function (t) {
        root.clearTimeout(t);
      },
      now: Date.now,
      random: Math.random,
      crypto: root.crypto || root.msCrypto,
    };
    var queue = saved.get("outbox", []); // sheets waiting for the server
    var refused = saved.get("rejected", []); // sheets the server refused, kept to show
    var sent = saved.get("sent", {}); // participant id → marks this phone submitted
    var sending = false;
    var attempts = 0;
    var retryTimer = null;

    function find(participantId) {
      for (var i = 0; i < queue.length; i += 1)
        if (queue[i].participant === participantId) return queue[i];
      return null;
    }

    function rejectedIndex(participantId) {
      for (var i = 0; i < refused.length; i += 1)
        if (refused[i].participant === participantId) return i;
      return -1;
    }

    function remove(key) {
      queue = queue.filter(function (e) {
        return e.key !== key;
      });
      saved.set("outbox", queue);
    }

    function scheduleRetry() {
      if (retryTimer || !queue.length || !options.canSend()) return;
      // 1 s, 2 s, 4 s … up to 30 s, with jitter so a hall of phones does not resend in step.
      var ceiling = Math.min(30000, 1000 * 2 ** attempts);
      var delay = Math.round(ceiling * (0.75 + clock.random() * 0.25));
      attempts += 1;
      retryTimer = clock.setTimeout(function () {
        retryTimer = null;
        flush();
      }, delay);
    }

    function flushNow() {
      if (retryTimer) {
        clock.clearTimeout(retryTimer);
        retryTimer = null;
      }
      attempts = 0;
      flush();
    }

    function flush() {
      if (sending || !queue.length || !options.canSend()) return;
      var entry = queue[0];
      sending = true;
      options.onChange("sending");
      options.send(entry).then(
        function (answer) {
          sending = false;
          if (answer.status === 200 || answer.status === 201) {
            attempts = 0;
            remove(entry.key);
            options.onAccepted(entry, answer.data);
          } else if (isFinalRefusal(answer)) {
            // Refused for good (scoring closed meanwhile, key used with other marks, a participant
            // not in this arena, …): keep it visible, with the marks, for the host's paper entry.
            attempts = 0;
            remove(entry.key);
            delete sent[entry.participant];
            saved.set("sent", sent);
            var data = answer.data || {};
            refused.push({
              participant: entry.participant,
              unit: entry.unit,
              position: entry.position,
              marks: entry.marks,
              total: entry.total,
              key: entry.key,
              code: data.code || String(answer.status),
              detail: data.detail || "",
              problems: data.problems || [],
            });
            saved.set("rejected", refused);
          } else if (answer.status === 401) {
            // The link was re-issued or revoked: this phone can no longer send; keep the sheet.
          } else {
            scheduleRetry();
          }
          options.onChange("answered");
          if (queue.length && !retryTimer) flush();
        },
        function () {
          sending = false;
          scheduleRetry();
          options.onChange("answered");
        }
      );
    }

    // A checked sheet: {participant, unit, position, marks, total}. On the phone before anything
    // is sent; its marks kept to start from if the host reopens the sheet for a correction.
    function add(sheet) {
      queue.push({
        participant: sheet.participant,
        unit: sheet.unit,
        position: sheet.position,
        marks: sheet.marks,
        total: sheet.total,
        key: newKey(clock.crypto),
        queuedAt: clock.now(),
      });
      saved.set("outbox", queue);
      sent[sheet.participant] = sheet.marks;
      saved.set("sent", sent);
    }

    return {
      add: add,
      flush: flush,
      flushNow: flushNow,
      find: find,
      rejectedIndex: rejectedIndex,
      entries: function () {
        return queue;
      },
      sending: function () {
        return sending;
      },
      rejected: function () {
        return refused;
      },
      dismiss: function (index) {
        refused.splice(index, 1);
        saved.set("rejected", refused);
      },
      sentMarks: function (participantId) {
        return sent[participantId];
      },
    };
  }

  root.LeitaiOutbox = {
    store: store,
    create: create,
    newKey: newKey,
    isFinalRefusal: isFinalRefusal,
  };
})(typeof window === "undefined" ? globalThis : window);
