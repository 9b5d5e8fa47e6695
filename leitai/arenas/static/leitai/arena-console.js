/* The host's console: renders the console state pushed over the hub and calls the console API.
 * Plain ES2017, no build step. Every button is a compare-and-set action on the server, so a
 * double press or a second host changes nothing twice. The page's configuration (json_script
 * "console-config"): the hub topic, the CSRF token and the API's URLs. */
(function () {
  "use strict";
  var config = JSON.parse(document.getElementById("console-config").textContent);
  var labels = JSON.parse(document.getElementById("console-labels").textContent);
  var state = JSON.parse(document.getElementById("console-state").textContent);
  var $ = function (id) { return document.getElementById(id); };
  var online = true;

  function t(key, fallback) { return labels[key] || fallback || key; }


  function renderTimer() {
    var el = $("timer");
    if (!el || !state.timer) return;
    var left = window.LeitaiText.remainingMs(state.timer, window.LeitaiLive.serverNow());
    var over = left < 0;
    var seconds = Math.ceil(Math.abs(left) / 1000);
    el.textContent = (over ? "+" : "") + window.LeitaiText.minutes(seconds);
    el.classList.toggle("warning", !over && left <= state.timer.warning_ms);
    el.classList.toggle("over", over);
  }

  function showError(message) {
    var box = $("console-error");
    box.textContent = message;
    box.hidden = !message;
    if (message) window.scrollTo({ top: 0, behavior: "smooth" });
  }

  function option(value, text) {
    var o = document.createElement("option");
    o.value = value;
    o.textContent = text;
    return o;
  }

  function fillSelect(select, items, keep) {
    var previous = select.value;
    select.innerHTML = "";
    items.forEach(function (item) { select.appendChild(option(item[0], item[1])); });
    if (keep && previous) select.value = previous;
  }

  function render(next, force) {
    if (!next || (state && next.version < state.version && !force)) return;
    state = next;
    var current = state.current;
    $("current-empty").hidden = !!current;
    $("current-body").hidden = !current;
    var visible = {};
    if (current) {
      $("current-position").textContent = current.position;
      $("current-unit").textContent = current.unit;
      $("current-presenter").textContent = current.presenter + (current.presenter_role ? " · " + current.presenter_role : "") + (current.no_notes ? " · " + t("no_notes") : "");
      $("current-status").textContent = t("status." + current.status, current.status);
      var chips = $("current-judges");
      chips.innerHTML = "";
      current.judges.forEach(function (j) {
        var chip = document.createElement("span");
        chip.className = "judge-chip " + j.status;
        chip.textContent = j.code + " " + j.name + " · " + t("judge." + j.status, j.status);
        chips.appendChild(chip);
      });
      var status = current.status;
      visible = {
        "open-scoring": status === "presenting",
        "close-scoring": status === "scoring",
        "confirm-for-head": status === "scoring" || status === "scored",
        "show-result": status === "confirmed",
        "mark-absent": status === "presenting" || status === "waiting"
      };
      var row = (state.participants || []).filter(function (p) { return p.id === current.id; })[0];
      var box = $("current-result");
      if (row && row.score && (status === "confirmed" || status === "shown")) {
        box.hidden = false;
        box.innerHTML = "";
        var label = document.createElement("div");
        label.textContent = t("result.score");
        var score = document.createElement("div");
        score.className = "score";
        score.textContent = row.score;
        box.appendChild(label);
        box.appendChild(score);
      } else {
        box.hidden = true;
      }
    } else {
      $("current-status").textContent = "";
    }
    Object.keys(visible).forEach(function (id) { $(id).hidden = !visible[id]; });
    var arenaLive = state.arena.state === "live";
    var finished = !current || ["confirmed", "shown", "absent", "withdrawn"].indexOf(current.status) >= 0;
    $("call-next").disabled = !arenaLive || !finished;
    $("close-arena").disabled = !arenaLive;

    var body = document.querySelector("#order-table tbody");
    body.innerHTML = "";
    (state.participants || []).forEach(function (p) {
      if (p.position === null) return;
      var tr = document.createElement("tr");
      if (current && current.id === p.id) tr.className = "current";
      var codes = Object.keys(p.judges);
      var expected = codes.filter(function (c) { return p.judges[c] === "submitted" || p.judges[c] === "waiting"; });
      var submitted = codes.filter(function (c) { return p.judges[c] === "submitted"; });
      var paper = Object.keys(p.sources || {}).filter(function (c) { return p.sources[c] === "paper"; });
      var cells = [p.position, p.unit + " · " + p.presenter, t("status." + p.status, p.status),
        submitted.length + "/" + expected.length + (paper.length ? " (" + t("paper") + " " + paper.join(",") + ")" : ""),
        p.score || "—"];
      cells.forEach(function (value, i) {
        var td = document.createElement("td");
        if (i === 0 || i === 4) td.className = "num";
        if (i === 3) td.className = "sheet-count";
        td.textContent = value;
        tr.appendChild(td);
      });
      tr.appendChild(rowActions(p, current));
      body.appendChild(tr);
    });
    var judges = (state.judges || []).map(function (j) { return [j.code, j.code + " " + j.name]; });
    var people = (state.participants || []).filter(function (p) { return p.position !== null; })
      .map(function (p) { return [String(p.id), p.position + ". " + p.unit]; });
    fillSelect($("paper-judge"), judges, true);
    fillSelect($("reopen-judge"), judges, true);
    fillSelect($("paper-participant"), people, true);
    fillSelect($("reopen-participant"), people, true);
    if (current) {
      if (!$("paper-participant").dataset.touched) $("paper-participant").value = String(current.id);
      if (!$("reopen-participant").dataset.touched) $("reopen-participant").value = String(current.id);
    }
    renderTimer();
    if (!online) applyOnline();
  }

  // A confirmed result that is not the current presenter's (reopened, corrected and confirmed
  // again) is shown from its row; the current presenter's from the step buttons above.
  function rowActions(p, current) {
    var td = document.createElement("td");
    td.className = "row-actions";
    if (p.status === "confirmed" && !(current && current.id === p.id)) {
      var button = document.createElement("button");
      button.type = "button";
      button.className = "btn btn-primary btn-small";
      button.setAttribute("data-action", "show");
      button.setAttribute("data-participant", String(p.id));
      button.textContent = t("show_again");
      td.appendChild(button);
    }
    return td;
  }

  function post(url, body) {
    showError("");
    return fetch(url, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": config.csrf, "Accept": "application/json" },
      body: JSON.stringify(body || {})
    }).then(function (response) {
      return response.json().catch(function () { return {}; }).then(function (data) {
        if (!response.ok) {
          throw new Error(data.detail || data.message || ("HTTP " + response.status));
        }
        return data;
      });
    });
  }

  function act(action, participant) {
    var body = { participant: participant || (state.current ? state.current.id : null) };
    if (action === "next") body = { expected_current: state.current ? state.current.id : null };
    if (action === "close_arena" && !window.confirm(t("confirm.close_arena"))) return;
    if (action === "absent" && !window.confirm(t("confirm.absent"))) return;
    if (action === "close" && state.current) {
      var waiting = state.current.judges.filter(function (j) { return j.status === "waiting"; });
      if (waiting.length) {
        var reason = window.prompt(t("reason.close"));
        if (!reason) return;
        body.reason = reason;
      }
    }
    post(config.urls.action.replace("ACTION", action), body).then(function (data) {
      if (data && data.version !== undefined) render(data);
    }).catch(function (error) { showError(error.message); });
  }

  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-action]");
    if (!button) return;
    event.preventDefault();
    if (button.disabled) return;
    var participant = button.getAttribute("data-participant");
    act(button.getAttribute("data-action"), participant ? Number(participant) : null);
  });
  ["paper-participant", "reopen-participant"].forEach(function (id) {
    $(id).addEventListener("change", function () { $(id).dataset.touched = "1"; });
  });

  function newKey() {
    var bytes = new Uint8Array(16);
    (window.crypto || window.msCrypto).getRandomValues(bytes);
    return "paper-" + Array.prototype.map.call(bytes, function (b) { return ("0" + b.toString(16)).slice(-2); }).join("");
  }

  $("paper-form").addEventListener("submit", function (event) {
    event.preventDefault();
    var form = event.target;
    var marks = {};
    Array.prototype.forEach.call(form.querySelectorAll(".paper-marks input"), function (input) {
      marks[input.name] = input.value.trim();
    });
    var key = form.dataset.key || newKey();
    form.dataset.key = key; // a retry of the same sheet reuses its key
    post(config.urls.paper_sheets, { judge: form.judge.value, participant: Number(form.participant.value), marks: marks, key: key })
      .then(function () {
        delete form.dataset.key;
        form.reset();
        showError("");
        window.alert(t("entered"));
      })
      .catch(function (error) { showError(error.message); });
  });

  $("reopen-form").addEventListener("submit", function (event) {
    event.preventDefault();
    var form = event.target;
    post(config.urls.reopen, { judge: form.judge.value, participant: Number(form.participant.value), reason: form.reason.value })
      .then(function (data) { form.reset(); render(data); window.alert(t("reopened")); })
      .catch(function (error) { showError(error.message); });
  });

  // Without the live connection the console may show a stale state: every control is disabled
  // under a banner until the connection is back (with the state it missed).
  function setOnline(value) {
    online = value;
    $("console-offline").hidden = online;
    document.body.classList.toggle("console-offline", !online);
    applyOnline();
  }
  function applyOnline() {
    Array.prototype.forEach.call(document.querySelectorAll("#console-main button, #console-main input, #console-main select"), function (el) {
      if (!online) {
        if (!el.disabled) { el.disabled = true; el.dataset.offline = "1"; }
      } else if (el.dataset.offline) {
        el.disabled = false;
        delete el.dataset.offline;
      }
    });
    if (online) render(state, true);
  }

  render(state);
  setInterval(renderTimer, 250);
  window.LeitaiLive.connect(config.topic, {
    onMessage: render,
    onState: function (s) {
      var badge = $("conn-state");
      badge.textContent = t("conn." + s, s);
      badge.className = "badge " + (s === "open" ? "green" : "red");
      setOnline(s === "open");
    }
  });
})();
