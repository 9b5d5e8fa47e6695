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

  var esc = window.LeitaiText.esc; // arena-text.js
  var fmt = window.LeitaiText.fmt;

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
  // otherwise a sheet the host reopened for correction (possibly for an earlier presenter).
  function scoringTarget() {
    var cur = state.current;
    var onStage = cur && !cur.my_sheet && cur.my_status === "waiting" &&
      (cur.status === "presenting" || cur.status === "scoring");
    var reopened = state.reopened || [];
    if (onStage) {
      for (var k = 0; k < reopened.length; k++) {
        // The host reopened this presenter's sheet: the form says why.
        if (reopened[k].participant === cur.id) return Object.assign({}, cur, { reopened: reopened[k].reason });
      }
      return cur;
    }
    for (var i = 0; i < reopened.length; i++) {
      var r = reopened[i];
      if (cur && r.participant === cur.id) break;
      return {
        id: r.participant, position: r.position, unit: r.unit, presenter: "", presenter_role: "",
        no_notes: false, status: "scoring", scoring_open: true, my_status: "waiting",
        my_sheet: null, result: null, reopened: r.reason
      };
    }
    return cur;
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

  function marksList(marks, total) {
    var html = '<dl class="marks">';
    grid.criteria.forEach(function (c) {
      if (marks[c.key] == null) return;
      html += "<dt>" + esc(c.label) + "</dt><dd>" + esc(marks[c.key]) +
        (c.weight !== "1" ? ' <span class="weight">×' + esc(c.weight) + "</span>" : "") + "</dd>";
    });
    html += '<dt class="marks-total">' + esc(S.total) + '</dt><dd class="marks-total" data-field="my-total">' + esc(total) + "</dd></dl>";
    return html;
  }

  function renderNet() {
    var parts = [];
    if (!online) parts.push('<span class="pill pill-bad">' + esc(S.offline) + "</span>");
    else if (connection === "reconnecting") parts.push('<span class="pill pill-warn">' + esc(S.reconnecting) + "</span>");
    else if (connection === "open") parts.push('<span class="pill pill-ok">' + esc(S.online) + "</span>");
    if (outbox.entries().length && !signedOut) parts.push('<span class="pill pill-warn" data-field="queued-count">' + esc(queuedText(outbox.entries().length)) + "</span>");
    sections.net.innerHTML = parts.join("");
  }

  function renderNotice() {
    document.getElementById("signed-in-note").hidden = signedOut;
    if (signedOut) {
      sections.notice.innerHTML = '<div class="card signed-out" data-field="signed-out"><h2>' + esc(S.signed_out_title) + "</h2>" +
        '<p data-field="signed-out-reason">' + esc(signedOutReason || S.signed_out) + "</p></div>";
      sections.notice.hidden = false;
    } else {
      sections.notice.hidden = true;
      sections.notice.innerHTML = "";
    }
  }

  function renderOutbox() {
    var html = "";
    if (outbox.entries().length && signedOut) {
      // Signed out, the phone can no longer send: each sheet is shown as not accepted, with its
      // marks for the host's paper entry, rather than promising a later send.
      outbox.entries().forEach(function (e) {
        html += '<div class="alert alert-bad refused" data-field="outbox" data-state="refused">' +
          '<div class="state-head"><span class="state-icon" aria-hidden="true">✕</span> ' + esc(S.refused) + "</div>" +
          '<p class="small">' + esc(fmt(S.position, { n: e.position })) + " " + esc(e.unit) + "</p>" +
          '<p class="what-to-do"><strong>' + esc(S.refused_hint) + "</strong></p>" + marksList(e.marks, e.total) + "</div>";
      });
    } else if (outbox.entries().length) {
      html += '<div class="alert alert-warn" data-field="outbox">';
      html += "<p><strong>" + esc(outbox.sending() ? S.sending : queuedText(outbox.entries().length)) + "</strong></p>";
      html += "<p>" + esc(S.queued) + "</p>";
      html += '<button type="button" class="btn btn-ghost" data-action="retry">' + esc(S.retry_now) + "</button>";
      html += "</div>";
    }
    var target = scoringMode() === "refused" ? scoringTarget().id : null;
    outbox.rejected().forEach(function (r, index) {
      if (r.participant !== target) html += refusedHtml(r, index, false);
    });
    sections.outbox.innerHTML = html;
    sections.outbox.hidden = !html;
  }

  // A sheet the server refused: why, and what to do; the marks stay for the host's paper entry.
  function refusedHtml(r, index, inPlace) {
    var html = '<div class="' + (inPlace ? "card sheet-state" : "alert alert-bad") + ' refused" data-field="rejected" data-state="refused" data-code="' + esc(r.code) + '">';
    html += '<div class="state-head"><span class="state-icon" aria-hidden="true">✕</span> ' + esc(S.refused) + "</div>";
    html += '<p class="small">' + esc(fmt(S.position, { n: r.position })) + " " + esc(r.unit) + "</p>";
    html += '<p data-field="refused-reason">' + esc(r.code === "key_reused" ? S.key_reused : r.detail) + "</p>";
    (r.problems || []).forEach(function (p) {
      var c = criterion(p.criterion);
      html += '<p class="small">' + esc(c ? c.label : p.criterion) + ": " + esc(p.message) + "</p>";
    });
    html += '<p class="what-to-do"><strong>' + esc(S.refused_hint) + "</strong></p>";
    html += marksList(r.marks, r.total);
    html += '<button type="button" class="btn btn-ghost" data-action="dismiss" data-index="' + index + '">' + esc(S.dismiss) + "</button>";
    return html + "</div>";
  }

  function renderCurrent() {
    var cur = state.current;
    var html = "";
    if (signedOut) {
      html = "";
    } else if (state.arena.state === "closed") {
      html = '<div class="card muted">' + esc(S.closed) + "</div>";
    } else if (!cur) {
      html = '<div class="card muted" data-field="no-current">' + esc(S.no_current) + "</div>";
    } else {
      var phase = {
        presenting: S.presenting, scoring: S.scoring_open, scored: S.scoring_closed,
        confirmed: S.result_confirmed, shown: S.result_shown, absent: S.participant_absent
      }[cur.status] || "";
      html += '<div class="card presenter-card ' + esc(cur.status) + '" data-participant="' + esc(cur.id) + '">';
      html += '<div class="presenter-top"><span class="position">' + esc(fmt(S.position, { n: cur.position })) + "</span>";
      html += '<span class="phase phase-' + esc(cur.status) + '" data-field="phase">' + esc(phase) + "</span></div>";
      html += '<div class="unit" data-field="unit">' + esc(cur.unit) + "</div>";
      html += '<div class="presenter"><span data-field="presenter">' + esc(cur.presenter) + "</span>";
      if (cur.presenter_role) html += ' <span class="role">' + esc(cur.presenter_role) + "</span>";
      if (cur.no_notes) html += ' <span class="badge-gold">' + esc(S.no_notes) + "</span>";
      html += "</div>";
      if (cur.result) {
        html += '<div class="result-line"><span>' + esc(S.panel_score) + '</span> <strong data-field="result-score">' +
          esc(cur.result.score) + "</strong></div>";
        html += '<div class="small muted-text">' + esc(noteText(cur.result)) + "</div>";
      }
      html += "</div>";
    }
    sections.current.innerHTML = html;
  }

  function formHtml(cur) {
    var reopened = cur.reopened || (!drafts[cur.id] && outbox.sentMarks(cur.id));
    if (!drafts[cur.id] && outbox.sentMarks(cur.id)) {
      // The host reopened a sheet this phone sent: start from what was sent.
      drafts[cur.id] = JSON.parse(JSON.stringify(outbox.sentMarks(cur.id)));
      saveDrafts();
    }
    var draft = drafts[cur.id] || {};
    var sheet = evaluate(draft);
    var html = '<form class="sheet" data-participant="' + esc(cur.id) + '" novalidate autocomplete="off">';
    if (reopened) {
      html += '<p class="hint hint-reopened" data-field="reopened">' + esc(S.reopened) +
        (cur.reopened ? " " + esc(fmt(S.position, { n: cur.position })) + " · " + esc(cur.unit) +
          '<span class="reopened-reason" data-field="reopened-reason">' + esc(fmt(S.host_reason, { reason: cur.reopened })) + "</span>" : "") + "</p>";
    }
    html += '<p class="hint" id="draft-hint"' + (cur.scoring_open ? " hidden" : "") + ">" + esc(S.draft_hint) + "</p>";
    grid.criteria.forEach(function (c) {
      var error = sheet.errors[c.key];
      html += '<fieldset class="criterion' + (error ? " invalid" : "") + '" data-criterion="' + esc(c.key) + '">';
      html += '<legend><span class="criterion-label">' + esc(c.label) + "</span>" +
        '<span class="criterion-meta">' + esc(fmt(S.maximum, { max: c.maximum })) + " · " + esc(fmt(S.step, { step: c.step })) +
        (c.weight !== "1" ? " · " + esc(fmt(S.weight, { weight: c.weight })) : "") + "</span></legend>";
      if (c.description) html += '<p class="criterion-desc">' + esc(c.description) + "</p>";
      html += '<div class="stepper">' +
        '<button type="button" class="step-btn" data-action="minus" data-key="' + esc(c.key) + '" aria-label="' + esc(S.minus + " · " + c.label) + '">−</button>' +
        '<input class="mark-input" name="' + esc(c.key) + '" id="mark-' + esc(c.key) + '" type="text" inputmode="decimal" enterkeyhint="next" ' +
        'autocomplete="off" autocorrect="off" spellcheck="false" placeholder="0–' + esc(c.maximum) + '" value="' + esc(draft[c.key] || "") + '" ' +
        'aria-label="' + esc(c.label) + '" aria-describedby="err-' + esc(c.key) + '">' +
        '<button type="button" class="step-btn" data-action="plus" data-key="' + esc(c.key) + '" aria-label="' + esc(S.plus + " · " + c.label) + '">+</button>' +
        "</div>";
      html += '<p class="field-error" id="err-' + esc(c.key) + '" data-error="' + esc(c.key) + '">' + esc(error ? errorText(c, error) : "") + "</p>";
      html += "</fieldset>";
    });
    html += '<div class="sheet-bar"><div class="sheet-total"><span>' + esc(S.total) + '</span> <strong id="live-total" data-field="live-total">' +
      esc(sheet.total == null ? "–" : sheet.total) + '</strong> <span class="of">' + esc(fmt(S.of, { max: grid.maxTotal })) + "</span></div>" +
      '<button type="button" class="btn btn-primary" data-action="review" id="review-btn">' + esc(S.review) + "</button></div>";
    html += '<p class="form-message" id="form-message"></p>';
    html += "</form>";
    html += declareHtml(cur);
    return html;
  }

  function declareHtml(cur) {
    if (!ui.declaring) {
      return '<div class="declare"><button type="button" class="btn btn-link" data-action="declare-open">' + esc(S.declare) + "</button></div>";
    }
    return '<div class="declare card" data-participant="' + esc(cur.id) + '"><h3>' + esc(S.declare_title) + "</h3>" +
      '<p class="small">' + esc(S.declare_hint) + "</p>" +
      '<label class="small" for="declare-reason">' + esc(S.declare_reason) + "</label>" +
      '<textarea id="declare-reason" rows="2" maxlength="200"></textarea>' +
      '<p class="field-error" id="declare-error">' + esc(ui.declareError) + "</p>" +
      '<div class="row"><button type="button" class="btn btn-ghost" data-action="declare-cancel">' + esc(S.cancel) + "</button>" +
      '<button type="button" class="btn btn-primary" data-action="declare-send">' + esc(S.declare_send) + "</button></div></div>";
  }

  function declarationPending(cur) {
    return !!(cur.declaration_pending || declarationSent[cur.id]);
  }

  // After the sheet is in, a conflict can still be declared until the result is confirmed; it
  // goes to the host, who decides, and the sheet stands meanwhile: a notice, not an error.
  function lateDeclarationHtml(cur) {
    if (declarationPending(cur)) {
      return '<div class="alert alert-info" data-field="declaration-pending" role="status"><strong>' +
        esc(S.declaration_pending) + "</strong><p class=\"small\">" + esc(S.declaration_pending_hint) + "</p></div>";
    }
    if (cur.status === "presenting" || cur.status === "scoring" || cur.status === "scored") return declareHtml(cur);
    return "";
  }

  function reviewHtml(cur) {
    var sheet = evaluate(drafts[cur.id] || {});
    return '<div class="review card" data-participant="' + esc(cur.id) + '"><h3>' + esc(S.review_title) + "</h3>" +
      marksList(sheet.marks, sheet.total) +
      '<p class="hint">' + esc(S.review_hint) + "</p>" +
      '<div class="row"><button type="button" class="btn btn-ghost" data-action="edit">' + esc(S.edit) + "</button>" +
      '<button type="button" class="btn btn-primary" data-action="submit" id="submit-btn">' + esc(S.submit) + "</button></div></div>";
  }

  // Received: the server acknowledged the sheet (it is stored); only then a tick.
  function lockedHtml(sheet) {
    var paper = sheet.source === "paper";
    return '<div class="card sheet-state received" data-field="locked" data-state="received"><div class="state-head"><span class="state-icon" aria-hidden="true">✓</span> ' +
      esc(paper ? S.submitted_paper : S.submitted) + "</div>" +
      '<div class="small muted-text">' + esc(S.your_marks) + "</div>" + marksList(sheet.marks, sheet.total) + "</div>";
  }

  // Waiting: on this phone only, not yet received by the server.
  function waitingHtml(entry) {
    return '<div class="card sheet-state waiting" data-field="waiting" data-state="waiting"><div class="state-head"><span class="state-icon" aria-hidden="true">↑</span> ' +
      esc(outbox.sending() ? S.sending : S.waiting_title) + "</div>" +
      '<p class="small">' + esc(S.queued) + "</p>" +
      '<div class="small muted-text">' + esc(S.your_marks) + "</div>" + marksList(entry.marks, entry.total) + "</div>";
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
    var html = "";
    switch (mode) {
      case "form": html = formHtml(cur); break;
      case "review": html = reviewHtml(cur); break;
      case "locked": html = lockedHtml(cur.my_sheet) + lateDeclarationHtml(cur); break;
      case "delivered": html = lockedHtml(delivered[cur.id]); break;
      case "queued": html = waitingHtml(outboxFor(cur.id)); break;
      case "refused": html = refusedHtml(outbox.rejected()[rejectedFor(cur.id)], rejectedFor(cur.id), true); break;
      case "recused":
      case "absent": {
        html = '<div class="card excluded" data-field="excluded" data-status="' + mode + '"><strong>' +
          esc(mode === "recused" ? S.recused : S.absent) + "</strong>";
        var reason = cur.my_reason || (mode === "recused" ? declared[cur.id] : "");
        if (reason) html += '<p data-field="reason">' + esc(fmt(S.reason, { reason: reason })) + "</p>";
        html += "</div>";
        break;
      }
      default: html = "";
    }
    sections.scoring.innerHTML = html;
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

  function renderPending() {
    var pending = signedOut ? null : state.pending;
    var key = JSON.stringify(pending) + ui.confirming + ui.confirmMessage + ui.confirmError;
    if (rendered.pending === key) return;
    rendered.pending = key;
    if (!pending || !state.me.head) {
      sections.pending.hidden = !ui.confirmMessage;
      sections.pending.innerHTML = ui.confirmMessage ? '<div class="alert alert-ok">' + esc(ui.confirmMessage) + "</div>" : "";
      return;
    }
    var result = pending.result;
    var droppedJudges = {};
    (result.dropped || []).forEach(function (d) { if (d.criterion == null) droppedJudges[d.judge] = true; });
    var html = '<div class="card pending" data-field="pending" data-participant="' + esc(pending.participant.id) + '">';
    html += "<h2>" + esc(S.pending_title) + "</h2>";
    html += '<p class="pending-who">' + esc(fmt(S.position, { n: pending.participant.position })) + " " + esc(pending.participant.unit) +
      " · " + esc(pending.participant.presenter) + "</p>";
    html += '<p class="small">' + esc(S.pending_hint) + "</p>";
    var outlying = {};
    (pending.outliers || []).forEach(function (o) { outlying[o.judge] = o; });
    html += '<table class="totals-table"><thead><tr><th>' + esc(S.judge) + "</th><th>" + esc(S.judge_total) + "</th></tr></thead><tbody>";
    Object.keys(result.totals).forEach(function (code) {
      var dropped = droppedJudges[code];
      var classes = (dropped ? "dropped" : "") + (outlying[code] ? " outlier" : "");
      html += '<tr class="' + classes + '" data-judge="' + esc(code) + '"><td>' + (outlying[code] ? "⚠ " : "") + esc(code) + "</td><td>" +
        (dropped ? "<s>" + esc(result.totals[code]) + "</s> <span class=\"small\">" + esc(S.dropped) + "</span>" : esc(result.totals[code])) +
        "</td></tr>";
    });
    html += "</tbody></table>";
    // A total far from the others' mean (the scoring core's corridor): a likely slip to check.
    (pending.outliers || []).forEach(function (o) {
      var below = o.deviation.charAt(0) === "-";
      html += '<p class="outlier-note" data-field="outlier">⚠ ' + esc(fmt(below ? S.outlier_below : S.outlier_above, {
        judge: o.judge, total: o.total, gap: below ? o.deviation.slice(1) : o.deviation, mean: o.others_mean, corridor: o.corridor
      })) + "</p>";
    });
    (result.dropped || []).forEach(function (d) {
      if (d.criterion == null) return;
      var c = criterion(d.criterion);
      html += '<p class="small"><s>' + esc(d.judge) + " · " + esc(c ? c.label : d.criterion) + " " + esc(d.mark) + "</s> " + esc(S.dropped) + "</p>";
    });
    html += '<div class="pending-score"><span>' + esc(S.panel_score) + '</span> <strong data-field="pending-score">' + esc(result.score) + "</strong></div>";
    html += '<p class="small muted-text">' + esc(noteText(result)) + "</p>";
    if (ui.confirmError) html += '<p class="field-error">' + esc(ui.confirmError) + "</p>";
    html += '<button type="button" class="btn btn-primary btn-block" data-action="confirm" data-participant="' + esc(pending.participant.id) + '"' +
      (ui.confirming ? " disabled" : "") + ">" + esc(ui.confirming ? S.confirming : S.confirm) + "</button>";
    html += "</div>";
    sections.pending.innerHTML = html;
    sections.pending.hidden = false;
  }

  function renderHistory() {
    if (signedOut) {
      // A phone signed out (perhaps lost) shows nothing of the arena any more.
      sections.history.innerHTML = "";
      return;
    }
    var sheets = (state.my_sheets || []).slice().sort(function (a, b) { return (a.position || 0) - (b.position || 0); });
    var html = "<h2>" + esc(S.my_sheets) + "</h2>";
    if (!sheets.length) {
      html += '<p class="small muted-text">' + esc(S.no_sheets) + "</p>";
    } else {
      html += '<ol class="history-list">';
      sheets.forEach(function (s) {
        html += '<li><details><summary><span class="position">' + esc(fmt(S.position, { n: s.position })) + "</span> " +
          '<span class="history-unit">' + esc(s.participant) + '</span> <strong class="history-total">' + esc(s.total) + "</strong></summary>" +
          (s.source === "paper" ? '<p class="small">' + esc(S.submitted_paper) + "</p>" : "") +
          marksList(s.marks || {}, s.total) + "</details></li>";
      });
      html += "</ol>";
    }
    sections.history.innerHTML = html;
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
    var draft = drafts[cur.id] || (drafts[cur.id] = {});
    draft[key] = value;
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
