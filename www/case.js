/* Kefu case line: the shopper's live line to the team once a hand-off is taken. The loader
   fetches this file the first time the widget calls it (window.__kefuCase, an array of calls
   queued until now) and this file takes over the array's push. Calls:
     ["watch", api, caseId, token, after]  stream the case's events after event `after`
     ["send", text]                        write to the team on the watched case
     ["stop"]                              the case is closed or the widget went away
   News goes back to the widget as kefu:command events on window:
     "case␟<caseId>␟<eventId>␟<kind>␟<text>"  (kind: agent_reply, resolved, …)
     "unsent␟closed" | "unsent␟failed"        a follow-up that did not reach the team
   The events come as server-sent events over fetch (EventSource cannot send the token in a
   header); a browser without streaming bodies reads the JSON list every 5 s instead. A broken
   stream reconnects from the last event it got, waiting 2, 4, 8, 16, then 30 s. */
(function () {
  "use strict";
  var queue = window.__kefuCase;
  if (!queue || queue.started) return;
  queue.started = true;

  var SEP = "\u001f";
  var POLL_MS = 5000;
  var watched = null; // {api, caseId, token, after, controller, timer, failures}
  var sending = Promise.resolve();

  function tell(parts) {
    window.dispatchEvent(new CustomEvent("kefu:command", { detail: parts.join(SEP) }));
  }

  function url(path) {
    return watched.api.replace(/\/+$/, "") + "/api/v1/escalations/" +
      encodeURIComponent(watched.caseId) + path;
  }

  // One event as the server sent it: {id, kind, text}.
  function heard(line, event) {
    if (line !== watched || !event || !(event.id > line.after)) return;
    line.after = event.id;
    tell(["case", line.caseId, event.id, event.kind, event.text || ""]);
  }

  // Reads the stream (or the list) once; resolves when it ends, rejects when it fails.
  function read(line) {
    line.controller = window.AbortController ? new AbortController() : null;
    return fetch(url("/events?after=" + line.after), {
      headers: { Authorization: "Bearer " + line.token, Accept: "text/event-stream" },
      signal: line.controller && line.controller.signal
    }).then(function (response) {
      if (!response.ok) throw new Error("case events: " + response.status);
      line.failures = 0;
      var type = response.headers.get("Content-Type") || "";
      if (type.indexOf("text/event-stream") < 0 || !response.body || !window.TextDecoder) {
        return response.json().then(function (list) {
          (list.events || []).forEach(function (event) { heard(line, event); });
          return POLL_MS;
        });
      }
      var reader = response.body.getReader();
      var decoder = new TextDecoder();
      var buffer = "";
      function pump() {
        return reader.read().then(function (chunk) {
          if (chunk.done) return 1000;
          buffer += decoder.decode(chunk.value, { stream: true });
          var frames = buffer.split(/\r?\n\r?\n/);
          buffer = frames.pop();
          frames.forEach(function (frame) {
            var data = frame.split(/\r?\n/).filter(function (field) {
              return field.indexOf("data:") === 0;
            }).map(function (field) { return field.slice(5).replace(/^ /, ""); }).join("\n");
            if (data) heard(line, JSON.parse(data));
          });
          return pump();
        });
      }
      return pump();
    });
  }

  // Keeps reading until the line is stopped or another case is watched.
  function follow(line) {
    read(line).then(function (waitMs) {
      if (line === watched) line.timer = setTimeout(follow, waitMs, line);
    }, function () {
      if (line !== watched) return;
      line.failures += 1;
      line.timer = setTimeout(follow, Math.min(30000, 1000 * Math.pow(2, line.failures)), line);
    });
  }

  function stop() {
    if (!watched) return;
    clearTimeout(watched.timer);
    if (watched.controller) watched.controller.abort();
    watched = null;
  }

  // Follow-ups go one after another, in the order written.
  function send(text) {
    var line = watched;
    if (!line) return tell(["unsent", "failed"]);
    sending = sending.then(function () {
      return fetch(url("/messages"), {
        method: "POST",
        headers: { Authorization: "Bearer " + line.token, "Content-Type": "application/json" },
        body: JSON.stringify({ text: text })
      }).then(function (response) {
        if (!response.ok) tell(["unsent", response.status === 409 ? "closed" : "failed"]);
      }, function () {
        tell(["unsent", "failed"]);
      });
    });
  }

  function handle(call) {
    if (call[0] === "watch") {
      stop();
      watched = { api: call[1], caseId: call[2], token: call[3], after: +call[4] || 0, failures: 0 };
      follow(watched);
    } else if (call[0] === "send") {
      send(String(call[1]));
    } else if (call[0] === "stop") {
      stop();
    }
    return queue.length;
  }

  queue.splice(0).forEach(handle);
  queue.push = handle;
})();
