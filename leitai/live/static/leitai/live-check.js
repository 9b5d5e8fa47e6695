/* The public check page: shows the connection state and each check message with its latency. */
(function () {
  "use strict";
  var root = document.getElementById("live-check");
  if (!root) return;
  var count = 0;

  function field(name) { return root.querySelector('[data-field="' + name + '"]'); }
  function show(name, value) { field(name).textContent = value; }

  LeitaiLive.connect(root.getAttribute("data-topic"), {
    onState: function (state) {
      show("state", root.getAttribute("data-state-" + state) || state);
      root.setAttribute("data-state", state);
    },
    onMessage: function (data, frame) {
      if (!data) return;
      var received = LeitaiLive.serverNow();
      show("seq", data.seq);
      show("text", data.text || "–");
      var text = JSON.stringify(frame);
      show("size", window.TextEncoder ? new TextEncoder().encode(text).length : text.length);
      show("received", new Date(received).toLocaleTimeString());
      show("offset", Math.round(LeitaiLive.clockOffset()));
      if (frame.type === "message") {
        // A snapshot is the last message sent before this page opened: its age is no latency.
        count += 1;
        show("count", count);
        show("latency", Math.max(0, Math.round(received - data.sent_at)));
      }
      root.setAttribute("data-seq", data.seq);
    }
  });
})();
