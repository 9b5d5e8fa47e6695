/* Leitai: the big screen (projector) and the public phone view of a live arena.
 *
 * The page carries its first state (json_script "arena-state") and its configuration and
 * translated strings ("arena-config"); after that it only listens to the hub topic
 * arena:<id>:screen through live.js. No polling and no HTTP request after load: a dropped
 * connection or a server restart is live.js's to recover, and the snapshot it receives on
 * reconnecting is rendered like any update.
 *
 * The countdown is computed from the state's timer object and LeitaiLive.serverNow(), so every
 * screen in the hall shows the same time whatever its own clock says.
 *
 * Plain ES2017, no modules, no build step (in-app browsers, plain-HTTP LAN addresses).
 */
(function () {
  "use strict";

  var config = JSON.parse(document.getElementById("arena-config").textContent);
  var state = JSON.parse(document.getElementById("arena-state").textContent);
  var S = config.strings;
  var MODE = config.mode; // "screen" | "live"
  var stage = document.getElementById("stage");
  var main = document.getElementById("main");
  var conn = document.getElementById("conn");
  var soundHint = document.getElementById("sound-hint");

  var DONE = { shown: true, confirmed: true, absent: true, withdrawn: true };

  // -- small helpers ------------------------------------------------------------------------

  var esc = window.LeitaiText.esc; // arena-text.js
  var fmt = window.LeitaiText.fmt;

  function clock(ms) {
    return window.LeitaiText.minutes(Math.max(0, Math.ceil(ms / 1000)));
  }

  function noteText(result) {
    return window.LeitaiText.panelNote(result, config.rule, S);
  }

  function statusLabel(status) {
    return S["status_" + status] || status;
  }

  // -- the countdown ------------------------------------------------------------------------

  // Until live.js has measured the clock offset (pings right after connecting), use the one the
  // page itself brought: off by the page's transfer time only, not by a projector PC's clock
  // that is minutes wrong.
  var pageOffset = typeof state.server_ms === "number" ? state.server_ms - Date.now() : 0;
  var clockSynced = false;

  function serverNow() {
    return clockSynced ? window.LeitaiLive.serverNow() : Date.now() + pageOffset;
  }

  function remainingMs(timer) {
    return window.LeitaiText.remainingMs(timer, serverNow());
  }

  var lastRemaining = null;
  var cueKey = null;

  function tick() {
    var digits = document.getElementById("timer-digits");
    var box = document.getElementById("timer");
    if (!digits || !box || !state.timer) { lastRemaining = null; return; }
    var timer = state.timer;
    var remaining = remainingMs(timer);
    var text = remaining >= 0 ? clock(remaining) : "+" + clock(-remaining + 999);
    if (digits.textContent !== text) digits.textContent = text;
    var over = remaining <= 0 && timer.state !== "stopped";
    box.classList.toggle("warning", !over && timer.state !== "stopped" && remaining <= timer.warning_ms);
    box.classList.toggle("over", over);
    var bar = document.getElementById("timer-bar");
    if (bar) {
      var share = Math.max(0, Math.min(1, remaining / timer.duration_ms));
      bar.style.transform = "scaleX(" + share.toFixed(4) + ")";
    }
    // The cue sounds when this screen sees the time run out, not when it joins afterwards.
    var key = (state.current ? state.current.id : "") + ":" + timer.started_at;
    if (timer.state === "running" && lastRemaining !== null && lastRemaining > 0 &&
        remaining <= 0 && cueKey !== key) {
      cueKey = key;
      timeUp();
    }
    lastRemaining = timer.state === "running" ? remaining : null;
  }

  // -- the time-up cue: visible always, audible once the browser allows sound ----------------

  var audio = null;
  var audioLocked = false;

  function unlockAudio() {
    var Context = window.AudioContext || window.webkitAudioContext;
    if (!Context) return;
    try {
      if (!audio) audio = new Context();
      if (audio.state === "suspended") audio.resume();
    } catch (e) {
      audio = null;
    }
    audioLocked = false;
    if (soundHint) soundHint.hidden = true;
  }

  function beep() {
    if (!audio || audio.state !== "running") return;
    var start = audio.currentTime;
    [0, 0.35, 0.7].forEach(function (offset) {
      var osc = audio.createOscillator();
      var gain = audio.createGain();
      osc.type = "sine";
      osc.frequency.value = 880;
      gain.gain.setValueAtTime(0.0001, start + offset);
      gain.gain.exponentialRampToValueAtTime(0.4, start + offset + 0.02);
      gain.gain.exponentialRampToValueAtTime(0.0001, start + offset + 0.28);
      osc.connect(gain);
      gain.connect(audio.destination);
      osc.start(start + offset);
      osc.stop(start + offset + 0.3);
    });
  }

  function timeUp() {
    stage.classList.remove("time-up");
    void stage.offsetWidth; // restart the animation
    stage.classList.add("time-up");
    setTimeout(function () { stage.classList.remove("time-up"); }, 6000);
    beep();
  }

  ["click", "keydown", "touchstart"].forEach(function (type) {
    document.addEventListener(type, unlockAudio, { passive: true });
  });
  if (MODE === "screen" && soundHint) {
    soundHint.textContent = S.sound_hint;
    var Context = window.AudioContext || window.webkitAudioContext;
    if (Context) {
      try {
        audio = new Context();
        audioLocked = audio.state !== "running";
      } catch (e) {
        audio = null;
      }
    }
  }

  // -- pieces of the page -------------------------------------------------------------------

  // `corrected`: an earlier result the host showed again after a correction, labelled so the
  // hall does not take it for the presenter who is on now.
  function presenterBlock(current, total, corrected) {
    var html = '<div class="who">';
    html += '<div class="position">' + esc(fmt(S.position_of, { n: current.position, total: total })) + "</div>";
    if (corrected) html += '<div class="corrected" data-field="corrected">' + esc(S.corrected) + "</div>";
    html += '<div class="unit" data-field="unit">' + esc(current.name) + "</div>";
    html += '<div class="presenter"><span data-field="presenter">' + esc(current.presenter) + "</span>";
    if (current.presenter_role) html += '<span class="role">' + esc(current.presenter_role) + "</span>";
    if (current.no_notes) html += '<span class="badge-no-notes">' + esc(S.no_notes) + "</span>";
    html += "</div></div>";
    return html;
  }

  function timerBlock(timer) {
    var label = S["timer_" + timer.state] || "";
    return '<div class="timer ' + esc(timer.state) + '" id="timer">' +
      '<div class="timer-digits" id="timer-digits">' + esc(clock(timer.duration_ms)) + "</div>" +
      '<div class="timer-track"><div class="timer-bar" id="timer-bar"></div></div>' +
      '<div class="timer-label"><span class="timer-state">' + esc(label) + "</span>" +
      '<span class="timer-up">' + esc(S.time_up) + "</span></div></div>";
  }

  function phaseText(current) {
    switch (current.status) {
      case "presenting": return S.scoring_soon;
      case "scoring": return S.scoring_open;
      case "scored": return S.scoring_closed;
      case "confirmed": return S.confirmed;
      case "absent": return S.absent;
      case "withdrawn": return S.withdrawn;
      default: return "";
    }
  }

  function judgesBlock(current) {
    var judges = byCode(current.judges || [], "code");
    var expected = judges.filter(function (j) { return j.status === "waiting" || j.status === "submitted"; });
    var done = judges.filter(function (j) { return j.status === "submitted"; }).length;
    var html = '<section class="judges ' + esc(current.status) + '">';
    html += '<div class="judges-head"><h2>' + esc(S.judges) + "</h2>";
    html += '<span class="judges-count" data-field="judges-count">' +
      esc(fmt(S.judges_progress, { done: done, total: expected.length })) + "</span></div>";
    html += '<ol class="chips">';
    judges.forEach(function (j) {
      html += '<li class="chip ' + esc(j.status) + '" data-judge="' + esc(j.code) + '" data-status="' + esc(j.status) + '">' +
        '<span class="chip-code">' + esc(j.code) + "</span>" +
        '<span class="chip-status">' + esc(statusLabel(j.status)) + "</span></li>";
    });
    html += "</ol>";
    html += '<div class="phase" data-field="phase">' + esc(phaseText(current)) + "</div>";
    html += "</section>";
    return html;
  }

  // J1, J2, … J10 in the panel's order, not the order of strings (J1, J10, J2).
  function byCode(items, key) {
    return items.slice().sort(function (a, b) {
      return String(a[key]).localeCompare(String(b[key]), undefined, { numeric: true });
    });
  }

  function resultBlock(current) {
    var result = current.result;
    var html = '<section class="result" data-field="result">';
    html += '<div class="result-label">' + esc(S.panel_score) + "</div>";
    // The rank beside the score, not under it: the judges' totals need the height.
    html += '<div class="result-line"><div class="result-score" data-field="score">' + esc(result.score) + "</div>";
    if (result.rank != null) {
      html += '<div class="result-rank">' + esc(fmt(S.rank_n, { n: result.rank }));
      if (result.tied) html += ' <span class="tied">' + esc(S.tied) + "</span>";
      html += "</div>";
    }
    html += "</div>";
    if (result.marks && result.marks.length) {
      html += '<div class="totals-label">' + esc(S.judges_totals) + "</div>";
      html += '<ol class="totals">';
      byCode(result.marks, "judge").forEach(function (m) {
        html += '<li class="total' + (m.dropped ? " dropped" : "") + '" data-judge="' + esc(m.judge) + '">' +
          '<span class="total-code">' + esc(m.judge) + "</span>" +
          '<span class="total-value">' + esc(m.total) + "</span>" +
          (m.dropped ? '<span class="visually-hidden"> (' + esc(S.dropped) + ")</span>" : "") + "</li>";
      });
      html += "</ol>";
    }
    if (result.dropped_criteria && result.dropped_criteria.length) {
      html += '<ul class="dropped-criteria">';
      result.dropped_criteria.forEach(function (d) {
        html += "<li><s>" + esc(d.judge) + " · " + esc(config.criteria[d.criterion] || d.criterion) +
          " " + esc(d.mark) + "</s></li>";
      });
      html += "</ul>";
    }
    html += '<div class="note" data-field="note">' + esc(noteText(result)) + "</div>";
    html += "</section>";
    return html;
  }

  function rankingBlock(rows, options) {
    var html = '<section class="ranking' + (options.final ? " final" : "") + '" data-field="ranking"' +
      (MODE === "screen" ? ' data-fit="' + (options.final ? 4 : 1) + '"' : "") + ">";
    html += "<h2>" + esc(options.final ? S.final_ranking : S.ranking) + "</h2>";
    if (!rows.length) {
      html += '<p class="empty">' + esc(S.no_results) + "</p></section>";
      return html;
    }
    // One column; on the projector fitFrame() then picks the layout that fits the frame.
    html += '<ol class="rank-list" style="--columns:1;--rows:' + rows.length + '">';
    rows.forEach(function (row) {
      var classes = "rank-row";
      if (options.highlight === row.id) classes += " current";
      if (row.rank <= 3) classes += " podium podium-" + row.rank;
      html += '<li class="' + classes + '" data-participant="' + esc(row.id) + '">' +
        '<span class="rank-no">' + esc(row.rank) + "</span>" +
        '<span class="rank-who"><span class="rank-unit">' + esc(row.name) + "</span>" +
        '<span class="rank-presenter">' + esc(row.presenter) + "</span></span>" +
        (row.tied ? '<span class="tied">' + esc(S.tied) + "</span>" : "") +
        '<span class="rank-score">' + esc(row.score) + "</span></li>";
    });
    html += '</ol><p class="more" data-field="more" hidden></p></section>';
    return html;
  }

  function orderBlock(order, options) {
    var html = '<section class="order" data-field="order"' +
      (MODE === "screen" ? ' data-fit="' + (options && options.columns ? options.columns : 4) + '"' : "") + ">";
    html += "<h2>" + esc(options && options.title ? options.title : S.order) + "</h2>";
    if (!order.length) {
      html += '<p class="empty">' + esc(S.order_pending) + "</p></section>";
      return html;
    }
    html += '<ol class="order-list" style="--columns:1;--rows:' + order.length + '">';
    order.forEach(function (p) {
      var classes = "order-row " + p.status;
      if (options && options.current === p.id) classes += " current";
      html += '<li class="' + esc(classes) + '" data-participant="' + esc(p.id) + '">' +
        '<span class="order-no">' + esc(p.position) + "</span>" +
        '<span class="order-who"><span class="order-unit">' + esc(p.name) + "</span>" +
        '<span class="order-presenter">' + esc(p.presenter) + "</span></span>" +
        '<span class="order-status">' + esc(p.note || orderStatus(p.status)) + "</span></li>";
    });
    html += '</ol><p class="more" data-field="more" hidden></p></section>';
    return html;
  }

  function orderStatus(status) {
    if (status === "shown" || status === "confirmed") return S.done;
    if (status === "absent") return S.absent;
    if (status === "withdrawn") return S.withdrawn;
    if (status === "presenting" || status === "scoring" || status === "scored") return S.presenting;
    return "";
  }

  function isGone(current) {
    return current.status === "absent" || current.status === "withdrawn";
  }

  function upNext(order, current) {
    for (var i = 0; i < order.length; i += 1) {
      if (order[i].status === "waiting" && order[i].id !== current.id) return order[i];
    }
    return null;
  }

  // -- the views ----------------------------------------------------------------------------

  function welcomeView() {
    return '<div class="view view-welcome" data-view="welcome">' +
      '<div class="welcome-word">' + esc(S.welcome) + "</div>" +
      '<div class="welcome-sub">' + esc(S.starting_soon) + "</div>" +
      (state.timer.duration_ms >= 60000
        ? '<div class="welcome-minutes">' + esc(fmt(S.minutes_each, { n: Math.round(state.timer.duration_ms / 60000) })) + "</div>"
        : "") +
      "</div>";
  }

  function orderView() {
    return '<div class="view view-order" data-view="order">' +
      '<div class="order-banner">' + esc(S.starting_soon) + "</div>" + orderBlock(state.order) + "</div>";
  }

  // The draw's three public steps, as they happen (the seed only once revealed).
  function hashLines(hash) {
    return hash.match(/.{1,16}/g).map(function (part) { return "<span>" + esc(part) + "</span>"; }).join("");
  }

  function drawStep(key, title, value, waiting, kind) {
    var done = !!value;
    return '<div class="draw-step ' + (done ? "done" : "waiting") + '" data-step="' + key + '">' +
      "<h3>" + esc(title) + "</h3>" +
      (done ? '<div class="draw-value ' + kind + '" data-field="draw-' + key + '">' +
        (kind === "hash" ? hashLines(value) : esc(value)) + "</div>"
        : '<div class="draw-waiting">' + esc(waiting) + "</div>") + "</div>";
  }

  function drawSteps(draw) {
    return '<section class="draw-steps" data-field="draw-steps"><h2>' + esc(S.draw) + "</h2>" +
      drawStep("commitment", S.draw_commitment, draw.commitment, "", "hash") +
      '<p class="draw-help">' + esc(S.draw_commitment_help) + "</p>" +
      drawStep("public", S.draw_public, draw.public, S.draw_public_waiting, "digits") +
      drawStep("seed", S.draw_seed, draw.seed, S.draw_seed_waiting, "hash") +
      (draw.seed ? '<p class="draw-help">' + esc(S.draw_check) + "</p>" : "") + "</section>";
  }

  function drawList(draw) {
    if (state.order.length) return orderBlock(state.order, { title: S.draw_order, columns: 3 });
    var frozen = draw.list.map(function (p, i) {
      return { id: p.code, position: i + 1, name: p.name, presenter: "", note: p.code, status: "frozen" };
    });
    return orderBlock(frozen, { title: S.draw_list, columns: 3 });
  }

  function drawView() {
    return '<div class="view view-draw" data-view="draw" data-draw="' + esc(state.draw.state) + '">' +
      '<div class="col-main">' + drawList(state.draw) + "</div>" +
      '<div class="col-side">' + drawSteps(state.draw) + "</div></div>";
  }

  function showsDraw() {
    var arena = state.arena;
    return !!state.draw && state.draw.state !== "none" && (arena.state === "setup" || arena.state === "drawn");
  }

  function presenterView(current) {
    var total = state.order.length;
    var html = '<div class="view view-presenter" data-view="presenter" data-participant="' + esc(current.id) + '">';
    html += '<div class="col-main">' + presenterBlock(current, total);
    if (isGone(current)) {
      html += '<div class="absent-word">' + esc(current.status === "absent" ? S.absent : S.withdrawn) + "</div>";
    } else {
      html += timerBlock(state.timer);
    }
    var next = upNext(state.order, current);
    if (next) {
      html += '<div class="up-next"><span>' + esc(S.up_next) + "</span>" + esc(next.name) + " · " + esc(next.presenter) + "</div>";
    }
    html += "</div>";
    html += '<div class="col-side">';
    // Nobody scores a presenter who is absent or withdrew: no "waiting" chips for them.
    if (!isGone(current)) html += judgesBlock(current);
    if (MODE === "screen" && state.ranking.length) {
      html += rankingBlock(state.ranking, { highlight: current.id });
    }
    html += "</div></div>";
    return html;
  }

  function resultView(current, corrected) {
    var html = '<div class="view view-result" data-view="' + (corrected ? "spotlight" : "result") +
      '" data-participant="' + esc(current.id) + '">';
    html += '<div class="col-main">' + presenterBlock(current, state.order.length, corrected) + resultBlock(current) + "</div>";
    html += '<div class="col-side">' + rankingBlock(state.ranking, { highlight: current.id }) + "</div>";
    html += "</div>";
    return html;
  }

  function notRanked() {
    var names = state.order.filter(function (p) { return p.status === "absent" || p.status === "withdrawn"; })
      .map(function (p) {
        return fmt(S.not_ranked_item, { unit: p.name, status: p.status === "absent" ? S.absent : S.withdrawn });
      });
    return names.length ? '<p class="not-ranked" data-field="not-ranked">' + esc(S.not_ranked) + " " + esc(names.join(" · ")) + "</p>" : "";
  }

  function closedView() {
    return '<div class="view view-closed" data-view="closed">' +
      '<div class="closed-banner">' + esc(S.closed) + "</div>" +
      rankingBlock(state.ranking, { final: true }) + notRanked() + "</div>";
  }

  function screenView() {
    var arena = state.arena;
    var current = state.current;
    if (arena.state === "closed") return closedView();
    // Until the host's next action, which clears it (the presenter's own view comes back then).
    if (state.spotlight) return resultView(state.spotlight, true);
    if (current && current.result) return resultView(current);
    if (current) return presenterView(current);
    if (showsDraw()) return drawView();
    if (state.order.length) return orderView();
    return welcomeView();
  }

  function liveView() {
    // The phone: the same pieces, one under the other, and the whole order below.
    var arena = state.arena;
    var current = state.current;
    var html = "";
    if (arena.state === "closed") {
      html += '<div class="view view-closed" data-view="closed"><div class="closed-banner">' + esc(S.closed) + "</div>";
      html += rankingBlock(state.ranking, { final: true }) + notRanked() + "</div>";
      return html;
    }
    var spot = state.spotlight;
    if (spot) {
      html += '<div class="view view-result" data-view="spotlight" data-participant="' + esc(spot.id) + '">' +
        '<section class="card corrected-card"><div class="card-label">' + esc(S.corrected) + "</div>" +
        presenterBlock(spot, state.order.length) + "</section>" + resultBlock(spot) + "</div>";
    }
    if (current) {
      html += '<div class="view ' + (current.result ? "view-result" : "view-presenter") + '" data-view="' +
        (current.result ? "result" : "presenter") + '" data-participant="' + esc(current.id) + '">';
      html += '<section class="card now"><div class="card-label">' + esc(S.presenting) + "</div>" +
        presenterBlock(current, state.order.length);
      if (current.result) {
        html += "</section>" + resultBlock(current);
      } else if (current.status === "absent" || current.status === "withdrawn") {
        html += '<div class="absent-word">' + esc(current.status === "absent" ? S.absent : S.withdrawn) + "</div></section>";
      } else {
        html += timerBlock(state.timer) + "</section>" + judgesBlock(current);
      }
      html += "</div>";
    } else {
      html += '<div class="view view-welcome" data-view="' + (state.order.length ? "order" : "welcome") + '">' +
        '<div class="welcome-sub">' + esc(S.starting_soon) + "</div></div>";
    }
    if (state.ranking.length) {
      html += rankingBlock(state.ranking, { highlight: spot ? spot.id : current ? current.id : null });
    }
    if (!current && showsDraw()) html += drawSteps(state.draw) + (state.order.length ? "" : drawList(state.draw));
    html += orderBlock(state.order, { current: current ? current.id : null });
    return html;
  }

  // -- fitting the projector's 16:9 frame ----------------------------------------------------

  // A list is laid out by measuring, not guessing (names wrap rather than being cut, and their
  // length depends on the units and the language): the first layout, from the most readable,
  // in which the list stays in the frame and no name needs a second line wins. Failing that,
  // the densest layout shows as many rows as fit and says how many more.
  // Whether the list's rows (or its "more" line) reach below the room it has: its own box when
  // it is a flex item that takes the rest of its column (the final ranking, above the "not
  // ranked" line), the main area otherwise. Rows are measured, as they may overflow the box.
  function leavesFrame(section) {
    var grows = parseFloat(getComputedStyle(section).flexGrow) > 0;
    var limit = (grows ? section : main).getBoundingClientRect().bottom;
    var bottom = 0;
    var list = section.querySelector("ol");
    var parts = Array.prototype.slice.call(section.children).concat(
      Array.prototype.slice.call(list ? list.children : []));
    parts.forEach(function (part) {
      bottom = Math.max(bottom, part.getBoundingClientRect().bottom);
    });
    return bottom > limit + 0.5;
  }

  function namesWrap(list) {
    var names = list.querySelectorAll(".rank-unit, .order-unit");
    for (var i = 0; i < names.length; i += 1) {
      var lineHeight = parseFloat(getComputedStyle(names[i]).lineHeight) || 0;
      if (lineHeight && names[i].getBoundingClientRect().height > lineHeight * 1.5) return true;
    }
    return false;
  }

  function applyLayout(section, list, layout, count) {
    list.style.setProperty("--columns", String(layout.columns));
    list.style.setProperty("--rows", String(Math.max(1, Math.ceil(count / layout.columns))));
    list.classList.toggle("compact", layout.compact);
    section.classList.toggle("wide", layout.columns > 1);
  }

  function layouts(maxColumns) {
    var found = [];
    [false, true].forEach(function (compact) {
      for (var columns = 1; columns <= maxColumns; columns += 1) found.push({ columns: columns, compact: compact });
    });
    return found;
  }

  // A list in the main area (the order, the draw, the final ranking) where every row matters
  // pages through its rows; the live ranking beside a presenter shows the top and "N more".
  var PAGE_MS = 8000;
  var page = 0;

  function fitList(section) {
    var list = section.querySelector("ol");
    var more = section.querySelector(".more");
    if (!list || !more) return;
    var rows = list.children;
    var maxColumns = Number(section.getAttribute("data-fit")) || 1;
    var candidates = layouts(maxColumns);
    var fallback = candidates[0];
    for (var i = 0; i < candidates.length; i += 1) {
      applyLayout(section, list, candidates[i], rows.length);
      if (namesWrap(list)) continue;
      fallback = candidates[i];
      if (!leavesFrame(section)) return;
    }
    applyLayout(section, list, fallback, rows.length);
    var shown = rows.length;
    more.hidden = false;
    while (shown > 1 && leavesFrame(section)) {
      shown -= 1;
      rows[shown].hidden = true;
      applyLayout(section, list, fallback, shown);
      more.textContent = maxColumns > 1
        ? fmt(S.page_of, { page: 1, pages: Math.ceil(rows.length / shown) })
        : fmt(S.more, { n: rows.length - shown });
    }
    if (maxColumns > 1) showPage(section, rows, shown, more);
  }

  function showPage(section, rows, perPage, more) {
    var pages = Math.ceil(rows.length / perPage);
    var current = page % pages;
    for (var i = 0; i < rows.length; i += 1) {
      rows[i].hidden = i < current * perPage || i >= (current + 1) * perPage;
    }
    section.setAttribute("data-paged", String(current + 1));
    more.textContent = fmt(S.page_of, { page: current + 1, pages: pages });
  }

  function fitFrame() {
    if (MODE !== "screen") return;
    Array.prototype.forEach.call(main.querySelectorAll("[data-fit]"), fitList);
  }

  function render() {
    main.innerHTML = MODE === "screen" ? screenView() : liveView();
    fitFrame();
    if (soundHint) soundHint.hidden = !(audioLocked && document.getElementById("timer"));
    stage.setAttribute("data-version", String(state.version));
    stage.setAttribute("data-arena-state", state.arena.state);
    tick();
  }

  // -- the connection -----------------------------------------------------------------------

  function showConnection(status) {
    if (status === "reconnecting") {
      conn.textContent = S.reconnecting;
      conn.className = "conn reconnecting";
      conn.hidden = false;
    } else if (status === "refused") {
      conn.textContent = S.refused;
      conn.className = "conn refused";
      conn.hidden = false;
    } else if (status === "open") {
      conn.hidden = true;
      // The first pings go out at once and after 1 s and 2 s; by then the offset is measured.
      if (!clockSynced) setTimeout(function () { clockSynced = true; }, 2500);
    }
    stage.setAttribute("data-connection", status);
  }

  render();
  setInterval(tick, 100);
  setInterval(function () {
    if (!main.querySelector("[data-paged]")) return;
    page += 1;
    render();
  }, PAGE_MS);
  window.addEventListener("resize", render);

  window.LeitaiLive.connect(config.topic, {
    onMessage: function (data) {
      if (!data || !data.arena) return;
      // The page's own first state counts as seen: never step back behind it.
      if (typeof data.version === "number" && data.version < state.version) return;
      state = data;
      render();
    },
    onState: showConnection
  });
})();
