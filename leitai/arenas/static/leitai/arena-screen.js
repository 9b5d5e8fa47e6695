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

  var fmt = window.LeitaiText.fmt; // arena-text.js
  var h = window.LeitaiText.h;
  var fill = window.LeitaiText.fill;

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

  // -- pieces of the page (LeitaiText.h: text is always text, never parsed as HTML) ----------

  // `corrected`: an earlier result the host showed again after a correction, labelled so the
  // hall does not take it for the presenter who is on now.
  function presenterBlock(current, total, corrected) {
    return h("div", { class: "who" },
      h("div", { class: "position" }, fmt(S.position_of, { n: current.position, total: total })),
      corrected ? h("div", { class: "corrected", "data-field": "corrected" }, S.corrected) : null,
      h("div", { class: "unit", "data-field": "unit" }, current.name),
      h("div", { class: "presenter" },
        h("span", { "data-field": "presenter" }, current.presenter),
        current.presenter_role ? h("span", { class: "role" }, current.presenter_role) : null,
        current.no_notes ? h("span", { class: "badge-no-notes" }, S.no_notes) : null));
  }

  function timerBlock(timer) {
    return h("div", { class: "timer " + timer.state, id: "timer" },
      h("div", { class: "timer-digits", id: "timer-digits" }, clock(timer.duration_ms)),
      h("div", { class: "timer-track" }, h("div", { class: "timer-bar", id: "timer-bar" })),
      h("div", { class: "timer-label" },
        h("span", { class: "timer-state" }, S["timer_" + timer.state] || ""),
        h("span", { class: "timer-up" }, S.time_up)));
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
    return h("section", { class: "judges " + current.status },
      h("div", { class: "judges-head" },
        h("h2", null, S.judges),
        h("span", { class: "judges-count", "data-field": "judges-count" },
          fmt(S.judges_progress, { done: done, total: expected.length }))),
      h("ol", { class: "chips" }, judges.map(function (j) {
        return h("li", { class: "chip " + j.status, "data-judge": j.code, "data-status": j.status },
          h("span", { class: "chip-code" }, j.code),
          h("span", { class: "chip-status" }, statusLabel(j.status)));
      })),
      h("div", { class: "phase", "data-field": "phase" }, phaseText(current)));
  }

  // J1, J2, … J10 in the panel's order, not the order of strings (J1, J10, J2).
  function byCode(items, key) {
    return items.slice().sort(function (a, b) {
      return String(a[key]).localeCompare(String(b[key]), undefined, { numeric: true });
    });
  }

  function resultBlock(current) {
    var result = current.result;
    return h("section", { class: "result", "data-field": "result" },
      h("div", { class: "result-label" }, S.panel_score),
      // The rank beside the score, not under it: the judges' totals need the height.
      h("div", { class: "result-line" },
        h("div", { class: "result-score", "data-field": "score" }, result.score),
        result.rank != null
          ? h("div", { class: "result-rank" }, fmt(S.rank_n, { n: result.rank }),
            result.tied ? [" ", h("span", { class: "tied" }, S.tied)] : null)
          : null),
      result.marks && result.marks.length ? [
        h("div", { class: "totals-label" }, S.judges_totals),
        h("ol", { class: "totals" }, byCode(result.marks, "judge").map(function (m) {
          return h("li", { class: "total" + (m.dropped ? " dropped" : ""), "data-judge": m.judge },
            h("span", { class: "total-code" }, m.judge),
            h("span", { class: "total-value" }, m.total),
            m.dropped ? h("span", { class: "visually-hidden" }, " (" + S.dropped + ")") : null);
        }))
      ] : null,
      result.dropped_criteria && result.dropped_criteria.length
        ? h("ul", { class: "dropped-criteria" }, result.dropped_criteria.map(function (d) {
          return h("li", null, h("s", null, d.judge + " · " + (config.criteria[d.criterion] || d.criterion) + " " + d.mark));
        }))
        : null,
      h("div", { class: "note", "data-field": "note" }, noteText(result)));
  }

  function rankingBlock(rows, options) {
    var section = h("section", { class: "ranking" + (options.final ? " final" : ""), "data-field": "ranking" });
    if (MODE === "screen") section.setAttribute("data-fit", String(options.final ? 4 : 1));
    section.appendChild(h("h2", null, options.final ? S.final_ranking : S.ranking));
    if (!rows.length) {
      section.appendChild(h("p", { class: "empty" }, S.no_results));
      return section;
    }
    // One column; on the projector fitFrame() then picks the layout that fits the frame.
    section.appendChild(h("ol", { class: "rank-list", style: "--columns:1;--rows:" + rows.length }, rows.map(function (row) {
      var classes = "rank-row";
      if (options.highlight === row.id) classes += " current";
      if (row.rank <= 3) classes += " podium podium-" + row.rank;
      return h("li", { class: classes, "data-participant": row.id },
        h("span", { class: "rank-no" }, row.rank),
        h("span", { class: "rank-who" },
          h("span", { class: "rank-unit" }, row.name),
          h("span", { class: "rank-presenter" }, row.presenter)),
        row.tied ? h("span", { class: "tied" }, S.tied) : null,
        h("span", { class: "rank-score" }, row.score));
    })));
    section.appendChild(h("p", { class: "more", "data-field": "more", hidden: true }));
    return section;
  }

  function orderBlock(order, options) {
    var section = h("section", { class: "order", "data-field": "order" });
    if (MODE === "screen") section.setAttribute("data-fit", String(options && options.columns ? options.columns : 4));
    section.appendChild(h("h2", null, options && options.title ? options.title : S.order));
    if (!order.length) {
      section.appendChild(h("p", { class: "empty" }, S.order_pending));
      return section;
    }
    section.appendChild(h("ol", { class: "order-list", style: "--columns:1;--rows:" + order.length }, order.map(function (p) {
      var classes = "order-row " + p.status;
      if (options && options.current === p.id) classes += " current";
      return h("li", { class: classes, "data-participant": p.id },
        h("span", { class: "order-no" }, p.position),
        h("span", { class: "order-who" },
          h("span", { class: "order-unit" }, p.name),
          h("span", { class: "order-presenter" }, p.presenter)),
        h("span", { class: "order-status" }, p.note || orderStatus(p.status)));
    })));
    section.appendChild(h("p", { class: "more", "data-field": "more", hidden: true }));
    return section;
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
    return h("div", { class: "view view-welcome", "data-view": "welcome" },
      h("div", { class: "welcome-word" }, S.welcome),
      h("div", { class: "welcome-sub" }, S.starting_soon),
      state.timer.duration_ms >= 60000
        ? h("div", { class: "welcome-minutes" }, fmt(S.minutes_each, { n: Math.round(state.timer.duration_ms / 60000) }))
        : null);
  }

  function orderView() {
    return h("div", { class: "view view-order", "data-view": "order" },
      h("div", { class: "order-banner" }, S.starting_soon), orderBlock(state.order));
  }

  // The draw's three public steps, as they happen (the seed only once revealed).
  function hashLines(hash) {
    return hash.match(/.{1,16}/g).map(function (part) { return h("span", null, part); });
  }

  function drawStep(key, title, value, waiting, kind) {
    var done = !!value;
    return h("div", { class: "draw-step " + (done ? "done" : "waiting"), "data-step": key },
      h("h3", null, title),
      done
        ? h("div", { class: "draw-value " + kind, "data-field": "draw-" + key }, kind === "hash" ? hashLines(value) : value)
        : h("div", { class: "draw-waiting" }, waiting));
  }

  function drawSteps(draw) {
    return h("section", { class: "draw-steps", "data-field": "draw-steps" },
      h("h2", null, S.draw),
      drawStep("commitment", S.draw_commitment, draw.commitment, "", "hash"),
      h("p", { class: "draw-help" }, S.draw_commitment_help),
      drawStep("public", S.draw_public, draw.public, S.draw_public_waiting, "digits"),
      drawStep("seed", S.draw_seed, draw.seed, S.draw_seed_waiting, "hash"),
      draw.seed ? h("p", { class: "draw-help" }, S.draw_check) : null);
  }

  function drawList(draw) {
    if (state.order.length) return orderBlock(state.order, { title: S.draw_order, columns: 3 });
    var frozen = draw.list.map(function (p, i) {
      return { id: p.code, position: i + 1, name: p.name, presenter: "", note: p.code, status: "frozen" };
    });
    return orderBlock(frozen, { title: S.draw_list, columns: 3 });
  }

  function drawView() {
    return h("div", { class: "view view-draw", "data-view": "draw", "data-draw": state.draw.state },
      h("div", { class: "col-main" }, drawList(state.draw)),
      h("div", { class: "col-side" }, drawSteps(state.draw)));
  }

  function showsDraw() {
    var arena = state.arena;
    return !!state.draw && state.draw.state !== "none" && (arena.state === "setup" || arena.state === "drawn");
  }

  function absentWord(current) {
    return h("div", { class: "absent-word" }, current.status === "absent" ? S.absent : S.withdrawn);
  }

  function presenterView(current) {
    var next = upNext(state.order, current);
    return h("div", { class: "view view-presenter", "data-view": "presenter", "data-participant": current.id },
      h("div", { class: "col-main" },
        presenterBlock(current, state.order.length),
        isGone(current) ? absentWord(current) : timerBlock(state.timer),
        next ? h("div", { class: "up-next" }, h("span", null, S.up_next), next.name + " · " + next.presenter) : null),
      h("div", { class: "col-side" },
        // Nobody scores a presenter who is absent or withdrew: no "waiting" chips for them.
        isGone(current) ? null : judgesBlock(current),
        MODE === "screen" && state.ranking.length ? rankingBlock(state.ranking, { highlight: current.id }) : null));
  }

  function resultView(current, corrected) {
    return h("div", { class: "view view-result", "data-view": corrected ? "spotlight" : "result", "data-participant": current.id },
      h("div", { class: "col-main" }, presenterBlock(current, state.order.length, corrected), resultBlock(current)),
      h("div", { class: "col-side" }, rankingBlock(state.ranking, { highlight: current.id })));
  }

  function notRanked() {
    var names = state.order.filter(function (p) { return p.status === "absent" || p.status === "withdrawn"; })
      .map(function (p) {
        return fmt(S.not_ranked_item, { unit: p.name, status: p.status === "absent" ? S.absent : S.withdrawn });
      });
    return names.length ? h("p", { class: "not-ranked", "data-field": "not-ranked" }, S.not_ranked + " " + names.join(" · ")) : null;
  }

  function closedView() {
    return h("div", { class: "view view-closed", "data-view": "closed" },
      h("div", { class: "closed-banner" }, S.closed),
      rankingBlock(state.ranking, { final: true }), notRanked());
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
    if (arena.state === "closed") return closedView();
    var views = [];
    var spot = state.spotlight;
    if (spot) {
      views.push(h("div", { class: "view view-result", "data-view": "spotlight", "data-participant": spot.id },
        h("section", { class: "card corrected-card" },
          h("div", { class: "card-label" }, S.corrected), presenterBlock(spot, state.order.length)),
        resultBlock(spot)));
    }
    if (current) {
      var now = h("section", { class: "card now" },
        h("div", { class: "card-label" }, S.presenting), presenterBlock(current, state.order.length));
      var view = h("div", {
        class: "view " + (current.result ? "view-result" : "view-presenter"),
        "data-view": current.result ? "result" : "presenter", "data-participant": current.id
      }, now);
      if (current.result) {
        view.appendChild(resultBlock(current));
      } else if (isGone(current)) {
        now.appendChild(absentWord(current));
      } else {
        now.appendChild(timerBlock(state.timer));
        view.appendChild(judgesBlock(current));
      }
      views.push(view);
    } else {
      views.push(h("div", { class: "view view-welcome", "data-view": state.order.length ? "order" : "welcome" },
        h("div", { class: "welcome-sub" }, S.starting_soon)));
    }
    if (state.ranking.length) {
      views.push(rankingBlock(state.ranking, { highlight: spot ? spot.id : current ? current.id : null }));
    }
    if (!current && showsDraw()) views.push(drawSteps(state.draw), state.order.length ? null : drawList(state.draw));
    views.push(orderBlock(state.order, { current: current ? current.id : null }));
    return views;
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
    fill(main, MODE === "screen" ? screenView() : liveView());
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
