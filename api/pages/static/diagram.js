/* Draws every .bpmn-canvas with bpmn-js's navigated viewer (static/vendor/bpmn-js), marks each
   element with its state (a class and a small badge, so colour is never the only cue), shows the
   flows taken, puts the model's Chinese names (`name_zh` extension property) and the seats' names
   in place on a Chinese page, and adds zoom buttons and touch panning / pinching. The same facts
   are in the list under each drawing, which works without this script. */
(function () {
  "use strict";
  var SPIFF = "http://spiffworkflow.org/bpmn/schema/1.0/core";
  var BPMN = "http://www.omg.org/spec/BPMN/20100524/MODEL";
  var BADGES = { done: "\u2713", ready: "\u25CF", overdue: "!", waiting: "\u2026", error: "\u00D7" };
  var MARKS = ["done", "ready", "overdue", "waiting", "error", "cancelled"];

  function json(value, fallback) {
    try { return JSON.parse(value || ""); } catch (e) { return fallback; }
  }

  /* The model's own names, in the page's language: name_zh where the model has one, and the
     seat's label for a lane named by its role key. */
  function localise(xml, lang, lanes) {
    var doc = new DOMParser().parseFromString(xml, "application/xml");
    if (doc.getElementsByTagName("parsererror").length) { return xml; }
    if (lang === "zh") {
      var props = doc.getElementsByTagNameNS(SPIFF, "property");
      for (var i = 0; i < props.length; i++) {
        var owner = props[i].parentNode && props[i].parentNode.parentNode && props[i].parentNode.parentNode.parentNode;
        if (props[i].getAttribute("name") === "name_zh" && owner && owner.setAttribute) {
          owner.setAttribute("name", props[i].getAttribute("value") || owner.getAttribute("name") || "");
          owner.setAttribute("data-localised", "1");
        }
      }
    }
    var found = doc.getElementsByTagNameNS(BPMN, "lane");
    for (var j = 0; j < found.length; j++) {
      var key = found[j].getAttribute("name");
      if (!found[j].getAttribute("data-localised") && key && Object.prototype.hasOwnProperty.call(lanes, key)) {
        found[j].setAttribute("name", lanes[key]);
      }
    }
    var marked = doc.querySelectorAll("[data-localised]");
    for (var k = 0; k < marked.length; k++) { marked[k].removeAttribute("data-localised"); }
    return new XMLSerializer().serializeToString(doc);
  }

  function applyMarks(viewer, marks, taken) {
    var canvas = viewer.get("canvas");
    var overlays = viewer.get("overlays");
    var registry = viewer.get("elementRegistry");
    overlays.remove({ type: "state" });
    registry.forEach(function (element) {
      MARKS.forEach(function (mark) { canvas.removeMarker(element, "m-" + mark); });
      canvas.removeMarker(element, "m-taken");
    });
    Object.keys(marks).forEach(function (id) {
      var element = registry.get(id);
      if (!element) { return; }
      canvas.addMarker(element, "m-" + marks[id]);
      if (BADGES[marks[id]]) {
        overlays.add(element, "state", {
          position: { top: -8, right: 8 },
          html: '<span class="state-badge m-' + marks[id] + '" aria-hidden="true">' + BADGES[marks[id]] + "</span>"
        });
      }
    });
    var pairs = {};
    taken.forEach(function (pair) { pairs[pair[0] + "\u0000" + pair[1]] = true; });
    registry.filter(function (element) { return element.type === "bpmn:SequenceFlow"; }).forEach(function (flow) {
      if (flow.source && flow.target && pairs[flow.source.id + "\u0000" + flow.target.id]) {
        canvas.addMarker(flow, "m-taken");
      }
    });
  }

  /* Fit the whole model if it fits at 100 % (readable labels); else show it at 100 % around the
     first open task (the buttons, the wheel and two fingers zoom out). */
  function frame(viewer, marks) {
    var canvas = viewer.get("canvas");
    canvas.zoom("fit-viewport");
    if (canvas.zoom() >= 1) { return; }
    canvas.zoom(1);
    var registry = viewer.get("elementRegistry");
    var open = Object.keys(marks).filter(function (id) {
      return (marks[id] === "overdue" || marks[id] === "ready") && registry.get(id);
    })[0];
    var box = canvas.viewbox();
    if (open) {
      var element = registry.get(open);
      canvas.viewbox({ x: element.x + element.width / 2 - box.width / 2, y: element.y + element.height / 2 - box.height / 2,
                       width: box.width, height: box.height });
    } else {
      canvas.viewbox({ x: box.inner.x - 20, y: box.inner.y - 20, width: box.width, height: box.height });
    }
  }

  /* One finger pans, two fingers pinch (the viewer itself only follows a mouse). */
  function touch(viewer, element) {
    var canvas = viewer.get("canvas");
    var points = {};
    var last = null;
    function spread() {
      var ids = Object.keys(points);
      if (ids.length < 2) { return null; }
      var a = points[ids[0]], b = points[ids[1]];
      return { d: Math.hypot(a.x - b.x, a.y - b.y), x: (a.x + b.x) / 2, y: (a.y + b.y) / 2 };
    }
    element.addEventListener("pointerdown", function (event) {
      if (event.pointerType !== "touch") { return; }
      points[event.pointerId] = { x: event.clientX, y: event.clientY };
      last = spread();
    });
    element.addEventListener("pointermove", function (event) {
      if (event.pointerType !== "touch" || !points[event.pointerId]) { return; }
      var before = points[event.pointerId];
      points[event.pointerId] = { x: event.clientX, y: event.clientY };
      var now = spread();
      if (now && last) {
        var rect = element.getBoundingClientRect();
        canvas.zoom(Math.min(4, Math.max(0.2, canvas.zoom() * now.d / last.d)), { x: now.x - rect.left, y: now.y - rect.top });
        last = now;
      } else if (!now) {
        canvas.scroll({ dx: event.clientX - before.x, dy: event.clientY - before.y });
      }
    });
    function lift(event) { delete points[event.pointerId]; last = spread(); }
    element.addEventListener("pointerup", lift);
    element.addEventListener("pointercancel", lift);
  }

  function zoomButtons(viewer, figure) {
    var tools = figure.querySelector(".diagram-tools");
    if (!tools) { return; }
    tools.hidden = false;
    tools.addEventListener("click", function (event) {
      var button = event.target.closest("[data-zoom]");
      if (!button) { return; }
      var canvas = viewer.get("canvas");
      var how = button.getAttribute("data-zoom");
      if (how === "fit") { canvas.zoom("fit-viewport"); }
      else if (how === "reset") { canvas.zoom(1); }
      else { canvas.zoom(Math.min(4, Math.max(0.2, canvas.zoom() * (how === "in" ? 1.25 : 0.8))), "auto"); }
    });
  }

  function draw(element) {
    var figure = element.closest("figure");
    var marks = json(element.getAttribute("data-marks"), {});
    var taken = json(element.getAttribute("data-taken"), []);
    var lanes = json(element.getAttribute("data-lanes"), {});
    var xml = localise(element.getAttribute("data-bpmn") || "", element.getAttribute("data-lang"), lanes);
    var viewer = new window.BpmnJS({ container: element });
    element.renxingViewer = viewer;
    return viewer.importXML(xml).then(function () {
      applyMarks(viewer, marks, taken);
      frame(viewer, marks);
      zoomButtons(viewer, figure);
      touch(viewer, element);
      element.setAttribute("data-drawn", "1");
    }).catch(function () {
      element.classList.add("failed");
      element.textContent = element.getAttribute("data-failed");
      var list = figure.querySelector(".diagram-list");
      if (list) { list.open = true; }
    });
  }

  /* For the live page updates: new states for a drawing already on the page. */
  window.renxingDiagram = {
    update: function (element, marks, taken) {
      if (element.renxingViewer && element.getAttribute("data-drawn")) { applyMarks(element.renxingViewer, marks, taken); }
    }
  };

  if (!window.BpmnJS) { return; }
  Array.prototype.forEach.call(document.querySelectorAll(".bpmn-canvas[data-bpmn]"), draw);
}());
