/* Keeps a signed-in page current without reloading it: polls /ui/live (the stamp of what changed
   and the inbox counts), fills the badge beside "My tasks", and when the stamp moves fetches the
   page again and swaps each [data-live-region] for its new version — unless the person is typing
   in it. Drawn diagrams keep their pan and zoom: only their marks change. */
(function () {
  "use strict";
  var body = document.body;
  var url = body.getAttribute("data-live");
  if (!url || !window.fetch) { return; }
  var INTERVAL = 4000;
  var SEEN = "renxing.inbox-seen";
  var incident = body.getAttribute("data-live-incident");
  var stamp = null;
  if (body.hasAttribute("data-inbox")) {
    try { localStorage.setItem(SEEN, new Date().toISOString()); } catch (e) { /* private mode */ }
  }

  function seen() {
    try { return localStorage.getItem(SEEN) || ""; } catch (e) { return ""; }
  }

  function badge(pulse) {
    var element = document.getElementById("inbox-badge");
    if (!element) { return; }
    var parts = [String(pulse.open >= 100 ? "100+" : pulse.open)];
    if (pulse.new > 0) { parts.push(element.getAttribute("data-new").replace("{n}", pulse.new)); }
    if (pulse.overdue > 0) { parts.push(element.getAttribute("data-overdue").replace("{n}", pulse.overdue)); }
    element.textContent = parts.join(" · ");
    element.classList.toggle("late", pulse.overdue > 0);
    element.classList.toggle("fresh", pulse.new > 0);
    element.hidden = pulse.open === 0;
  }

  function busy(region) {
    var active = document.activeElement;
    return active && active !== body && region.contains(active) && /^(INPUT|TEXTAREA|SELECT)$/.test(active.tagName);
  }

  function swap(html) {
    var fresh = new DOMParser().parseFromString(html, "text/html");
    Array.prototype.forEach.call(document.querySelectorAll("[data-live-region]"), function (region) {
      var next = region.id && fresh.getElementById(region.id);
      if (!next || busy(region)) { return; }
      Array.prototype.forEach.call(region.querySelectorAll("details[id]"), function (open) {
        var twin = next.querySelector("#" + open.id);
        if (twin) { twin.open = open.open; }
      });
      region.replaceWith(document.importNode(next, true));
    });
    Array.prototype.forEach.call(document.querySelectorAll(".bpmn-canvas"), function (canvas) {
      var figure = canvas.closest("figure");
      var twin = figure && fresh.querySelector("#" + figure.id + " .bpmn-canvas");
      if (twin && window.renxingDiagram) {
        window.renxingDiagram.update(canvas, JSON.parse(twin.getAttribute("data-marks") || "{}"),
                                     JSON.parse(twin.getAttribute("data-taken") || "[]"));
      }
    });
    body.setAttribute("data-refreshed", String(Date.now()));
  }

  function refresh() {
    return fetch(window.location.href, { credentials: "same-origin" }).then(function (response) {
      return response.ok ? response.text().then(swap) : null;
    });
  }

  function poll() {
    var query = "?seen=" + encodeURIComponent(seen()) + (incident ? "&incident=" + encodeURIComponent(incident) : "");
    fetch(url + query, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (pulse) {
        if (!pulse) { return null; }
        badge(pulse);
        var moved = stamp !== null && pulse.stamp !== stamp;
        stamp = pulse.stamp;
        return moved && document.querySelector("[data-live-region]") ? refresh() : null;
      })
      .catch(function () { /* offline for a moment: the next poll tries again */ })
      .then(function () { window.setTimeout(poll, document.hidden ? INTERVAL * 4 : INTERVAL); });
  }
  poll();
}());
