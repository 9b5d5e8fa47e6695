/* Leitai: a judge's phone: the view, and what the judge does on it.
 *
 * State comes from the page (json_script "judge-state") and then from the judge's own hub topic
 * arena:<id>:judge:<judge id> (live.js, with the link's token); the configuration (json_script
 * "judge-config") carries the token, the strings and the API's URLs. Its parts, loaded before it
 * in this order (judge.html):
 *   arena-text.js       text helpers shared with the screens and the console
 *   arena-marks.js      the marks on the step grid and the weighted total, exact
 *   arena-outbox.js     sheets kept in localStorage and resent until the server answers
 *   arena-judge-api.js  the HTTP client, with the token in X-Judge-Token
 *   arena-judge-target.js  which sheet the form is for (the presenter on stage, or a reopened one)
 *
 * Plain ES2017, no modules, no build step, no service worker and no crypto.randomUUID: it runs
 * on a plain-HTTP LAN address (not a secure context) and in in-app browsers such as WeChat's.
 */
(function () {
  "use strict";

  var config = JSON.parse(document.getElementById("judge-config").textContent);
  var state = JSON.parse(document.getElementById("judge-state").textContent);
  var S = config.strings;
  var ENGLISH = String(config.language).indexOf("en") === 0;
  var app = document.getElementById("app");
  var sections = {
    net: document.getElementById("net"),
    outbox: document.getElementById("outbox"),
    pending: document.getElementById("pending"),
    current: document.getElementById("current"),
    scoring: document.getElementById("scoring"),
    history: document.getElementById("history"),
    notice: document.getElementById("notice")
  };

  // -- helpers ------------------------------------------------------------------------------

  var fmt = window.LeitaiText.fmt; // arena-text.js
  var h = window.LeitaiText.h;
  var fill = window.LeitaiText.fill;

  function queuedText(n) {
    return n === 1 ? S.queued_one : fmt(S.queued_count, { n: n });
  }

  var store = window.LeitaiOutbox.store("leitai.judge." + config.judge + ".");
  var drafts = store.get("drafts", {}); // participant id → {criterion: text}
  var delivered = {}; // participant id → acknowledged sheet, until the state shows it
  var declared = store.get("declared", {}); // participant id → reason this phone gave
  // participant id → true: a declaration after the sheet went to the host (202), until the state
  // carries it (current.declaration_pending), which then survives a reload.
  var declarationSent = {};

  function saveDrafts() { store.set("drafts", drafts); }

  // -- the marks (arena-marks.js: exact arithmetic on the step grid) -------------------------

  var grid = window.LeitaiMarks.grid(state.rubric, ENGLISH);
  var criterion = grid.criterion;
  var readMark = grid.read;
  var evaluate = grid.evaluate;

  function errorText(c, error) {
    if (error === "number") return S.err_number;
    if (error === "above") return fmt(S.err_above, { max: c.maximum });
    if (error === "step") return fmt(S.err_step, { step: c.step });
    return "";
  }

  function noteText(result) {
    return window.LeitaiText.panelNote(result, config.rule, S);
  }

  // -- the API (arena-judge-api.js) and the outbox (arena-outbox.js) --------------------------

  var signedOut = false;
  var signedOutReason = ""; // the server's words: re-issued, revoked, arena closed

  var api = window.LeitaiJudgeApi.client({ token: config.token, onSignedOut: markSignedOut });

  function markSignedOut(reason) {
    signedOut = true;
    signedOutReason = typeof reason === "string" ? reason : "";
    render();
  }

  var outbox = window.LeitaiOutbox.create({
    store: store,
    send: function (entry) {
      return api.post(config.urls.sheets, { participant: entry.participant, marks: entry.marks, key: entry.key });
    },
    canSend: function () { return !signedOut; },
    onAccepted: acknowledge,
    onChange: function (what) {
      if (what === "sending") renderOutbox();
      else render();
    }
  });
  var outboxFor = outbox.find;
  var rejectedFor = outbox.rejectedIndex;

  function stateShowsSheet(participantId) {
    var cur = scoringTarget();
    if (cur && cur.id === participantId && cur.my_sheet) return true;
    return false;
  }

  function acknowledge(entry, data) {
    if (stateShowsSheet(entry.participant)) return;
    delivered[entry.participant] = {
      total: data && data.total ? data.total : entry.total,
      marks: data && data.marks ? data.marks : entry.marks,
      source: "phone"
    };
  }

  function submitSheet(cur) {
    var sheet = evaluate(drafts[cur.id] || {});
    if (!sheet.complete) return;
    // The sheet is on the phone before anything is sent.
    outbox.add({
      participant: cur.id, unit: cur.unit, position: cur.position, marks: sheet.marks, total: sheet.total
    });
    delete drafts[cur.id];
    saveDrafts();
    ui.reviewing = false;
    render();
    outbox.flushNow();
  }

  // -- what the page shows ------------------------------------------------------------------

  var ui = { reviewing: false, declaring: false, declareError: "", confirming: false, confirmMessage: "", confirmError: "" };
  var online = navigator.onLine !== false;
  var connection = "connecting";
  var rendered = { scoring: null, pending: null };

  // What the judge's form is for: the presenter on stage while this judge has a sheet to give,
  // otherwise a sheet the host reopened for correction (arena-judge-target.js).
  function scoringTarget() {
    return window.LeitaiJudgeTarget.scoringTarget(state);
  }

  function scoringMode() {
    var cur = scoringTarget();
    if (signedOut) return "signed-out";
    if (state.arena.state === "closed") return "closed";
    if (!cur) return "none";
    if (cur.my_sheet) {
      delete delivered[cur.id];
      return "locked";
    }
    if (outboxFor(cur.id)) return "queued";
    if (delivered[cur.id]) return "delivered";
    if (rejectedFor(cur.id) >= 0) return "refused";
    if (cur.my_status === "recused") return "recused";
    if (cur.my_status === "absent") return "absent";
    if (cur.status === "presenting" || cur.status === "scoring") {
      return ui.reviewing && cur.scoring_open ? "review" : "form";
    }
    return "no-sheet";
  }

  // -- building the DOM (LeitaiText.h: text is always text, never parsed as HTML) -----------

  function stateHead(icon, text) {
    return h("div", { class: "state-head" }, h("span", { class: "state-icon", "aria-hidden": "true" }, icon), " ", text);
  }

  function positionText(n) {
    return fmt(S.position, { n: n });
  }

  function marksList(marks, total) {
    var items = [];
    grid.criteria.forEach(function (c) {
      if (marks[c.key] == null) return;
      items.push(h("dt", null, c.label));
      items.push(h("dd", null, marks[c.key], c.weight !== "1" ? [" ", h("span", { class: "weight" }, "×" + c.weight)] : null));
    });
    return h("dl", { class: "marks" }, items,
      h("dt", { class: "marks-total" }, S.total),
      h("dd", { class: "marks-total", "data-field": "my-total" }, total));
  }

  function renderNet() {
    var pills = [];
    if (!online) pills.push(h("span", { class: "pill pill-bad" }, S.offline));
    else if (connection === "reconnecting") pills.push(h("span", { class: "pill pill-warn" }, S.reconnecting));
    else if (connection === "open") pills.push(h("span", { class: "pill pill-ok" }, S.online));
    if (outbox.entries().length && !signedOut) {
      pills.push(h("span", { class: "pill pill-warn", "data-field": "queued-count" }, queuedText(outbox.entries().length)));
    }
    fill(sections.net, pills);
  }

  function renderNotice() {
    document.getElementById("signed-in-note").hidden = signedOut;
    if (signedOut) {
      fill(sections.notice, h("div", { class: "card signed-out", "data-field": "signed-out" },
        h("h2", null, S.signed_out_title),
        h("p", { "data-field": "signed-out-reason" }, signedOutReason || S.signed_out)));
      sections.notice.hidden = false;
    } else {
      sections.notice.hidden = true;
      fill(sections.notice);
    }
  }

  function renderOutbox() {
    var cards = [];
    var queued = outbox.entries();
    if (queued.length && signedOut) {
      // Signed out, the phone can no longer send: each sheet is shown as not accepted, with its
      // marks for the host's paper entry, rather than promising a later send.
      queued.forEach(function (e) {
        cards.push(h("div", { class: "alert alert-bad refused", "data-field": "outbox", "data-state": "refused" },
          stateHead("✕", S.refused),
          h("p", { class: "small" }, positionText(e.position), " ", e.unit),
          h("p", { class: "what-to-do" }, h("strong", null, S.refused_hint)),
          marksList(e.marks, e.total)));
      });
    } else if (queued.length) {
      cards.push(h("div", { class: "alert alert-warn", "data-field": "outbox" },
        h("p", null, h("strong", null, outbox.sending() ? S.sending : queuedText(queued.length))),
        h("p", null, S.queued),
        h("button", { type: "button", class: "btn btn-ghost", "data-action": "retry" }, S.retry_now)));
    }
    var target = scoringMode() === "refused" ? scoringTarget().id : null;
    outbox.rejected().forEach(function (r, index) {
      if (r.participant !== target) cards.push(refusedCard(r, index, false));
    });
    fill(sections.outbox, cards);
    sections.outbox.hidden = !cards.length;
  }

  // A sheet the server refused: why, and what to do; the marks stay for the host's paper entry.
  function refusedCard(r, index, inPlace) {
    return h("div", {
      class: (inPlace ? "card sheet-state" : "alert alert-bad") + " refused",
      "data-field": "rejected", "data-state": "refused", "data-code": r.code
    },
      stateHead("✕", S.refused),
      h("p", { class: "small" }, positionText(r.position), " ", r.unit),
      h("p", { "data-field": "refused-reason" }, r.code === "key_reused" ? S.key_reused : r.detail),
      (r.problems || []).map(function (p) {
        var c = criterion(p.criterion);
        return h("p", { class: "small" }, c ? c.label : p.criterion, ": ", p.message);
      }),
      h("p", { class: "what-to-do" }, h("strong", null, S.refused_hint)),
      marksList(r.marks, r.total),
      h("button", { type: "button", class: "btn btn-ghost", "data-action": "dismiss", "data-index": index }, S.dismiss));
  }

  function renderCurrent() {
    var cur = state.current;
    if (signedOut) {
      fill(sections.current);
    } else if (state.arena.state === "closed") {
      fill(sections.current, h("div", { class: "card muted" }, S.closed));
    } else if (!cur) {
      fill(sections.current, h("div", { class: "card muted", "data-field": "no-current" }, S.no_current));
    } else {
      var phase = {
        presenting: S.presenting, scoring: S.scoring_open, scored: S.scoring_closed,
        confirmed: S.result_confirmed, shown: S.result_shown, absent: S.participant_absent
      }[cur.status] || "";
      fill(sections.current, h("div", { class: "card presenter-card " + cur.status, "data-participant": cur.id },
        h("div", { class: "presenter-top" },
          h("span", { class: "position" }, positionText(cur.position)),
          h("span", { class: "phase phase-" + cur.status, "data-field": "phase" }, phase)),
        h("div", { class: "unit", "data-field": "unit" }, cur.unit),
        h("div", { class: "presenter" },
          h("span", { "data-field": "presenter" }, cur.presenter),
          cur.presenter_role ? [" ", h("span", { class: "role" }, cur.presenter_role)] : null,
          cur.no_notes ? [" ", h("span", { class: "badge-gold" }, S.no_notes)] : null),
        cur.result ? [
          h("div", { class: "result-line" },
            h("span", null, S.panel_score), " ", h("strong", { "data-field": "result-score" }, cur.result.score)),
          h("div", { class: "small muted-text" }, noteText(cur.result))
        ] : null));
    }
  }

  function criterionFieldset(c, draft, error) {
    return h("fieldset", { class: "criterion" + (error ? " invalid" : ""), "data-criterion": c.key },
      h("legend", null,
        h("span", { class: "criterion-label" }, c.label),
        h("span", { class: "criterion-meta" },
          fmt(S.maximum, { max: c.maximum }) + " · " + fmt(S.step, { step: c.step }) +
          (c.weight !== "1" ? " · " + fmt(S.weight, { weight: c.weight }) : ""))),
      c.description ? h("p", { class: "criterion-desc" }, c.description) : null,
      h("div", { class: "stepper" },
        h("button", { type: "button", class: "step-btn", "data-action": "minus", "data-key": c.key, "aria-label": S.minus + " · " + c.label }, "−"),
        h("input", {
          class: "mark-input", name: c.key, id: "mark-" + c.key, type: "text", inputmode: "decimal", enterkeyhint: "next",
          autocomplete: "off", autocorrect: "off", spellcheck: "false", placeholder: "0–" + c.maximum, value: draft[c.key] || "",
          "aria-label": c.label, "aria-describedby": "err-" + c.key
        }),
        h("button", { type: "button", class: "step-btn", "data-action": "plus", "data-key": c.key, "aria-label": S.plus + " · " + c.label }, "+")),
      h("p", { class: "field-error", id: "err-" + c.key, "data-error": c.key }, error ? errorText(c, error) : ""));
  }

  function sheetForm(cur) {
    var reopened = cur.reopened || (!drafts[cur.id] && outbox.sentMarks(cur.id));
    if (!drafts[cur.id] && outbox.sentMarks(cur.id)) {
      // The host reopened a sheet this phone sent: start from what was sent.
      drafts[cur.id] = JSON.parse(JSON.stringify(outbox.sentMarks(cur.id)));
      saveDrafts();
    }
    var draft = drafts[cur.id] || {};
    var sheet = evaluate(draft);
    var form = h("form", { class: "sheet", "data-participant": cur.id, novalidate: true, autocomplete: "off" },
      reopened ? h("p", { class: "hint hint-reopened", "data-field": "reopened" }, S.reopened,
        cur.reopened ? [
          " " + positionText(cur.position) + " · " + cur.unit,
          h("span", { class: "reopened-reason", "data-field": "reopened-reason" }, fmt(S.host_reason, { reason: cur.reopened }))
        ] : null) : null,
      h("p", { class: "hint", id: "draft-hint", hidden: !!cur.scoring_open }, S.draft_hint),
      grid.criteria.map(function (c) { return criterionFieldset(c, draft, sheet.errors[c.key]); }),
      h("div", { class: "sheet-bar" },
        h("div", { class: "sheet-total" },
          h("span", null, S.total), " ",
          h("strong", { id: "live-total", "data-field": "live-total" }, sheet.total == null ? "–" : sheet.total), " ",
          h("span", { class: "of" }, fmt(S.of, { max: grid.maxTotal }))),
        h("button", { type: "button", class: "btn btn-primary", "data-action": "review", id: "review-btn" }, S.review)),
      h("p", { class: "form-message", id: "form-message" }));
    return [form, declareBlock(cur)];
  }

  function declareBlock(cur) {
    if (!ui.declaring) {
      return h("div", { class: "declare" },
        h("button", { type: "button", class: "btn btn-link", "data-action": "declare-open" }, S.declare));
    }
    return h("div", { class: "declare card", "data-participant": cur.id },
      h("h3", null, S.declare_title),
      h("p", { class: "small" }, S.declare_hint),
      h("label", { class: "small", for: "declare-reason" }, S.declare_reason),
      h("textarea", { id: "declare-reason", rows: "2", maxlength: "200" }),
      h("p", { class: "field-error", id: "declare-error" }, ui.declareError),
      h("div", { class: "row" },
        h("button", { type: "button", class: "btn btn-ghost", "data-action": "declare-cancel" }, S.cancel),
        h("button", { type: "button", class: "btn btn-primary", "data-action": "declare-send" }, S.declare_send)));
  }

  function declarationPending(cur) {
    return !!(cur.declaration_pending || declarationSent[cur.id]);
  }

  // After the sheet is in, a conflict can still be declared until the result is confirmed; it
  // goes to the host, who decides, and the sheet stands meanwhile: a notice, not an error.
  function lateDeclaration(cur) {
    if (declarationPending(cur)) {
      return h("div", { class: "alert alert-info", "data-field": "declaration-pending", role: "status" },
        h("strong", null, S.declaration_pending),
        h("p", { class: "small" }, S.declaration_pending_hint));
    }
    if (cur.status === "presenting" || cur.status === "scoring" || cur.status === "scored") return declareBlock(cur);
    return null;
  }

  function reviewCard(cur) {
    var sheet = evaluate(drafts[cur.id] || {});
    return h("div", { class: "review card", "data-participant": cur.id },
      h("h3", null, S.review_title),
      marksList(sheet.marks, sheet.total),
      h("p", { class: "hint" }, S.review_hint),
      h("div", { class: "row" },
        h("button", { type: "button", class: "btn btn-ghost", "data-action": "edit" }, S.edit),
        h("button", { type: "button", class: "btn btn-primary", "data-action": "submit", id: "submit-btn" }, S.submit)));
  }

  // Received: the server acknowledged the sheet (it is stored); only then a tick.
  function lockedCard(sheet) {
    return h("div", { class: "card sheet-state received", "data-field": "locked", "data-state": "received" },
      stateHead("✓", sheet.source === "paper" ? S.submitted_paper : S.submitted),
      h("div", { class: "small muted-text" }, S.your_marks),
      marksList(sheet.marks, sheet.total));
  }

  // Waiting: on this phone only, not yet received by the server.
  function waitingCard(entry) {
    return h("div", { class: "card sheet-state waiting", "data-field": "waiting", "data-state": "waiting" },
      stateHead("↑", outbox.sending() ? S.sending : S.waiting_title),
      h("p", { class: "small" }, S.queued),
      h("div", { class: "small muted-text" }, S.your_marks),
      marksList(entry.marks, entry.total));
  }

  function excludedCard(cur, mode) {
    var reason = cur.my_reason || (mode === "recused" ? declared[cur.id] : "");
    return h("div", { class: "card excluded", "data-field": "excluded", "data-status": mode },
      h("strong", null, mode === "recused" ? S.recused : S.absent),
      reason ? h("p", { "data-field": "reason" }, fmt(S.reason, { reason: reason })) : null);
  }

  function renderScoring() {
    var cur = scoringTarget();
    var mode = scoringMode();
    var key = mode + ":" + (cur ? cur.id : "") + ":" + (mode === "form" || mode === "review" ? ui.declaring + ":" + ui.declareError : "");
    if (mode === "locked") {
      key += ":" + JSON.stringify(cur.my_sheet) + ":" + cur.status + ":" + declarationPending(cur) + ":" + ui.declaring + ":" + ui.declareError;
    }
    if (mode === "queued") key += ":" + outbox.sending();
    if (mode === "refused") key += ":" + JSON.stringify(outbox.rejected()[rejectedFor(cur.id)]) + rejectedFor(cur.id);
    if (mode === "form" || mode === "review") {
      if (rendered.scoring === key) { updateFormControls(cur, mode); return; }
    } else if (rendered.scoring === key) {
      return;
    }
    rendered.scoring = key;
    var content = null;
    switch (mode) {
      case "form": content = sheetForm(cur); break;
      case "review": content = reviewCard(cur); break;
      case "locked": content = [lockedCard(cur.my_sheet), lateDeclaration(cur)]; break;
      case "delivered": content = lockedCard(delivered[cur.id]); break;
      case "queued": content = waitingCard(outboxFor(cur.id)); break;
      case "refused": content = refusedCard(outbox.rejected()[rejectedFor(cur.id)], rejectedFor(cur.id), true); break;
      case "recused":
      case "absent": content = excludedCard(cur, mode); break;
      default: content = null;
    }
    fill(sections.scoring, content);
    if (mode === "form" || mode === "review") updateFormControls(cur, mode);
  }

  function updateFormControls(cur, mode) {
    if (mode === "form") {
      var sheet = evaluate(drafts[cur.id] || {});
      var total = document.getElementById("live-total");
      if (total) total.textContent = sheet.total == null ? "–" : sheet.total;
      var hint = document.getElementById("draft-hint");
      if (hint) hint.hidden = !!cur.scoring_open;
      var review = document.getElementById("review-btn");
      if (review) {
        review.disabled = !cur.scoring_open;
        review.textContent = cur.scoring_open ? S.review : S.wait_open;
      }
    } else if (mode === "review") {
      var submit = document.getElementById("submit-btn");
      if (submit) submit.disabled = !cur.scoring_open;
    }
  }

  // The head judge's card: the panel's totals before the result is confirmed.
  function pendingCard(pending) {
    var result = pending.result;
    var droppedJudges = {};
    (result.dropped || []).forEach(function (d) { if (d.criterion == null) droppedJudges[d.judge] = true; });
    var outlying = {};
    (pending.outliers || []).forEach(function (o) { outlying[o.judge] = o; });
    var rows = Object.keys(result.totals).map(function (code) {
      var dropped = droppedJudges[code];
      return h("tr", { class: (dropped ? "dropped" : "") + (outlying[code] ? " outlier" : ""), "data-judge": code },
        h("td", null, (outlying[code] ? "⚠ " : "") + code),
        h("td", null, dropped
          ? [h("s", null, result.totals[code]), " ", h("span", { class: "small" }, S.dropped)]
          : result.totals[code]));
    });
    return h("div", { class: "card pending", "data-field": "pending", "data-participant": pending.participant.id },
      h("h2", null, S.pending_title),
      h("p", { class: "pending-who" },
        positionText(pending.participant.position) + " " + pending.participant.unit + " · " + pending.participant.presenter),
      h("p", { class: "small" }, S.pending_hint),
      h("table", { class: "totals-table" },
        h("thead", null, h("tr", null, h("th", null, S.judge), h("th", null, S.judge_total))),
        h("tbody", null, rows)),
      // A total far from the others' mean (the scoring core's corridor): a likely slip to check.
      (pending.outliers || []).map(function (o) {
        var below = o.deviation.charAt(0) === "-";
        return h("p", { class: "outlier-note", "data-field": "outlier" }, "⚠ " + fmt(below ? S.outlier_below : S.outlier_above, {
          judge: o.judge, total: o.total, gap: below ? o.deviation.slice(1) : o.deviation, mean: o.others_mean, corridor: o.corridor
        }));
      }),
      (result.dropped || []).filter(function (d) { return d.criterion != null; }).map(function (d) {
        var c = criterion(d.criterion);
        return h("p", { class: "small" }, h("s", null, d.judge + " · " + (c ? c.label : d.criterion) + " " + d.mark), " ", S.dropped);
      }),
      h("div", { class: "pending-score" },
        h("span", null, S.panel_score), " ", h("strong", { "data-field": "pending-score" }, result.score)),
      h("p", { class: "small muted-text" }, noteText(result)),
      ui.confirmError ? h("p", { class: "field-error" }, ui.confirmError) : null,
      h("button", {
        type: "button", class: "btn btn-primary btn-block", "data-action": "confirm",
        "data-participant": pending.participant.id, disabled: ui.confirming
      }, ui.confirming ? S.confirming : S.confirm));
  }

  function renderPending() {
    var pending = signedOut ? null : state.pending;
    var key = JSON.stringify(pending) + ui.confirming + ui.confirmMessage + ui.confirmError;
    if (rendered.pending === key) return;
    rendered.pending = key;
    if (!pending || !state.me.head) {
      sections.pending.hidden = !ui.confirmMessage;
      fill(sections.pending, ui.confirmMessage ? h("div", { class: "alert alert-ok" }, ui.confirmMessage) : null);
      return;
    }
    fill(sections.pending, pendingCard(pending));
    sections.pending.hidden = false;
  }

  function renderHistory() {
    if (signedOut) {
      // A phone signed out (perhaps lost) shows nothing of the arena any more.
      fill(sections.history);
      return;
    }
    var sheets = (state.my_sheets || []).slice().sort(function (a, b) { return (a.position || 0) - (b.position || 0); });
    fill(sections.history, h("h2", null, S.my_sheets), sheets.length
      ? h("ol", { class: "history-list" }, sheets.map(function (s) {
        return h("li", null, h("details", null,
          h("summary", null,
            h("span", { class: "position" }, positionText(s.position)), " ",
            h("span", { class: "history-unit" }, s.participant), " ",
            h("strong", { class: "history-total" }, s.total)),
          s.source === "paper" ? h("p", { class: "small" }, S.submitted_paper) : null,
          marksList(s.marks || {}, s.total)));
      }))
      : h("p", { class: "small muted-text" }, S.no_sheets));
  }

  function render() {
    renderNet();
    renderNotice();
    renderOutbox();
    renderPending();
    renderCurrent();
    renderScoring();
    renderHistory();
    app.setAttribute("data-version", String(state.version));
    app.setAttribute("data-mode", scoringMode());
  }

  // -- what the judge does ------------------------------------------------------------------

  function setDraft(cur, key, value) {
    if (!drafts[cur.id]) drafts[cur.id] = {};
    drafts[cur.id][key] = value;
    saveDrafts();
  }

  function showFieldError(key) {
    var cur = scoringTarget();
    var c = criterion(key);
    if (!cur || !c) return;
    var read = readMark(c, (drafts[cur.id] || {})[key]);
    var error = read.error && read.error !== "missing" ? read.error : null;
    var box = document.querySelector('[data-error="' + key + '"]');
    if (box) box.textContent = error ? errorText(c, error) : "";
    var fieldset = document.querySelector('fieldset[data-criterion="' + key + '"]');
    if (fieldset) fieldset.classList.toggle("invalid", !!error);
  }

  function step(cur, key, direction) {
    var c = criterion(key);
    var input = document.getElementById("mark-" + key);
    if (!c || !input) return;
    input.value = grid.step(c, input.value, direction);
    setDraft(cur, key, input.value);
    showFieldError(key);
    updateFormControls(cur, "form");
  }

  function review(cur) {
    var sheet = evaluate(drafts[cur.id] || {});
    var message = document.getElementById("form-message");
    grid.criteria.forEach(function (c) { showFieldError(c.key); });
    if (!sheet.complete) {
      if (message) message.textContent = S.missing;
      var firstBad = null;
      grid.criteria.forEach(function (c) {
        if (!firstBad && sheet.marks[c.key] == null) firstBad = document.getElementById("mark-" + c.key);
      });
      if (firstBad) firstBad.focus();
      return;
    }
    ui.reviewing = true;
    render();
    window.scrollTo(0, sections.scoring.offsetTop - 8);
  }

  function declare(cur) {
    var reasonBox = document.getElementById("declare-reason");
    var reason = reasonBox ? reasonBox.value.trim() : "";
    if (!reason) {
      ui.declareError = S.declare_need_reason;
      rendered.scoring = null;
      render();
      return;
    }
    api.post(config.urls.declare, { participant: cur.id, reason: reason }).then(function (answer) {
      if (answer.status === 200) {
        ui.declaring = false;
        ui.declareError = "";
        declared[cur.id] = reason;
        store.set("declared", declared);
      } else if (answer.status === 202) {
        // The sheet was already in: sent to the host for a decision (not a failure).
        ui.declaring = false;
        ui.declareError = "";
        declarationSent[cur.id] = true;
      } else {
        ui.declareError = (answer.data && answer.data.detail) || fmt(S.server_error, { status: answer.status });
      }
      rendered.scoring = null;
      render();
    }, function () {
      ui.declareError = S.network_error;
      rendered.scoring = null;
      render();
    });
  }

  function confirmResult(participantId) {
    ui.confirming = true;
    ui.confirmError = "";
    render();
    api.post(config.urls.confirm, { participant: participantId }).then(function (answer) {
      ui.confirming = false;
      if (answer.status === 200) {
        ui.confirmMessage = S.confirmed_ok;
        setTimeout(function () { ui.confirmMessage = ""; render(); }, 4000);
      } else {
        ui.confirmError = (answer.data && answer.data.detail) || fmt(S.server_error, { status: answer.status });
      }
      render();
    }, function () {
      ui.confirming = false;
      ui.confirmError = S.network_error;
      render();
    });
  }

  app.addEventListener("click", function (event) {
    var target = event.target.closest ? event.target.closest("[data-action]") : null;
    if (!target || target.disabled) return;
    var cur = scoringTarget();
    switch (target.getAttribute("data-action")) {
      case "minus": if (cur) step(cur, target.getAttribute("data-key"), -1); break;
      case "plus": if (cur) step(cur, target.getAttribute("data-key"), 1); break;
      case "review": if (cur) review(cur); break;
      case "edit": ui.reviewing = false; render(); break;
      case "submit": if (cur && cur.scoring_open) submitSheet(cur); break;
      case "retry": outbox.flushNow(); break;
      case "dismiss":
        outbox.dismiss(parseInt(target.getAttribute("data-index"), 10));
        render();
        break;
      case "declare-open": ui.declaring = true; ui.declareError = ""; render(); break;
      case "declare-cancel": ui.declaring = false; ui.declareError = ""; render(); break;
      case "declare-send": if (cur) declare(cur); break;
      case "confirm": confirmResult(parseInt(target.getAttribute("data-participant"), 10)); break;
      default: break;
    }
  });

  app.addEventListener("input", function (event) {
    var input = event.target;
    var cur = scoringTarget();
    if (!cur || !input.classList || !input.classList.contains("mark-input")) return;
    setDraft(cur, input.name, input.value);
    showFieldError(input.name);
    var message = document.getElementById("form-message");
    if (message) message.textContent = "";
    updateFormControls(cur, "form");
  });

  app.addEventListener("change", function (event) {
    var input = event.target;
    var cur = scoringTarget();
    if (!cur || !input.classList || !input.classList.contains("mark-input")) return;
    var c = criterion(input.name);
    var read = c ? readMark(c, input.value) : null;
    if (read && !read.error && read.text !== input.value) {
      input.value = read.text;
      setDraft(cur, input.name, input.value);
    }
  });

  // The sheet is sent by script; every other form (the language switch) submits normally.
  app.addEventListener("submit", function (event) {
    if (event.target.classList && event.target.classList.contains("sheet")) event.preventDefault();
  });

  app.addEventListener("keydown", function (event) {
    // "Next" on the phone's keypad moves to the following mark, then to the review.
    if (event.key !== "Enter" || !event.target.classList || !event.target.classList.contains("mark-input")) return;
    event.preventDefault();
    var inputs = Array.prototype.slice.call(document.querySelectorAll(".mark-input"));
    var index = inputs.indexOf(event.target);
    if (index >= 0 && index < inputs.length - 1) inputs[index + 1].focus();
    else if (scoringTarget() && scoringTarget().scoring_open) review(scoringTarget());
  });

  // -- the network --------------------------------------------------------------------------

  window.addEventListener("online", function () { online = true; render(); outbox.flushNow(); });
  window.addEventListener("offline", function () { online = false; render(); });
  document.addEventListener("visibilitychange", function () { if (!document.hidden) outbox.flushNow(); });

  render();
  outbox.flush();

  window.LeitaiLive.connect(config.topic, {
    token: config.token,
    onMessage: function (data) {
      if (!data || !data.me) return;
      if (typeof data.version === "number" && data.version < state.version) return;
      var previous = scoringTarget() ? scoringTarget().id : null;
      state = data;
      if (state.current && state.current.declaration_pending) delete declarationSent[state.current.id];
      if ((scoringTarget() ? scoringTarget().id : null) !== previous) {
        ui.reviewing = false;
        ui.declaring = false;
        ui.declareError = "";
      }
      render();
    },
    onState: function (status) {
      connection = status;
      if (status === "open") outbox.flushNow();
      renderNet();
    },
    onRefused: function (code, reason) {
      // 4401: the host re-issued or revoked this link; the reason is a code the page words.
      if (code === 4401) { markSignedOut(S[reason] || S.signed_out); return; }
      // Refused on (re)connecting: ask the API why (it answers 401 with the reason).
      markSignedOut();
      api.get(config.urls.state);
    }
  });
})();
