/* Leitai: the judge's phone's HTTP client: the link's token in X-Judge-Token, JSON both ways.
 *
 *   var api = LeitaiJudgeApi.client({token, onSignedOut})
 *   api.post(url, body) → Promise of {status, data}; rejects when the network fails or after
 *                          15 s without an answer (the outbox then resends)
 *   api.get(url)        → asks only to learn why the phone is signed out (a 401's reason)
 *
 * Any 401 calls onSignedOut(reason): the host re-issued or revoked the link, or closed the arena;
 * reason is the server's words, or undefined. URLs come from the page's configuration.
 * Plain ES2017, no modules, no build step.
 */
(function (root) {
  "use strict";

  var TIMEOUT_MS = 15000;

  function client(options) {
    function post(url, body) {
      var controller = root.AbortController ? new root.AbortController() : null;
      var timeout = controller
        ? setTimeout(function () {
            controller.abort();
          }, TIMEOUT_MS)
        : null;
      return root
        .fetch(url, {
          method: "POST",
          headers: { "Content-Type": "application/json", "X-Judge-Token": options.token },
          body: JSON.stringify(body),
          credentials: "same-origin",
          cache: "no-store",
          signal: controller ? controller.signal : undefined,
        })
        .then(
          function (response) {
            return response.text().then(function (text) {
              if (timeout) clearTimeout(timeout);
              var data = null;
              try {
                data = text ? JSON.parse(text) : null;
              } catch (_e) {
                data = null;
              }
              if (response.status === 401) options.onSignedOut(data && data.detail);
              return { status: response.status, data: data };
            });
          },
          function (error) {
            if (timeout) clearTimeout(timeout);
            throw error;
          }
        );
    }

    function get(url) {
      return root
        .fetch(url, {
          headers: { "X-Judge-Token": options.token },
          credentials: "same-origin",
          cache: "no-store",
        })
        .then(
          function (response) {
            if (response.status !== 401) return;
            return response.json().then(function (data) {
              options.onSignedOut(data && data.detail);
            });
          },
          function () {
            /* the generic words stay */
          }
        );
    }

    return { post: post, get: get };
  }

  root.LeitaiJudgeApi = { client: client };
})(window);
