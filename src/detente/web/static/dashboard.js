/* Dashboard behaviour: draw the charts from the JSON the page carries, and show an event's
 * sentence highlighted in its article when a row of the events table is chosen.
 * Text is inserted with textContent only, never as HTML, since articles are untrusted input. */
(function () {
  "use strict";

  function readJSON(id) {
    var el = document.getElementById(id);
    return el ? JSON.parse(el.textContent) : null;
  }

  function field(label, value) {
    var dt = document.createElement("dt");
    dt.textContent = label;
    var dd = document.createElement("dd");
    dd.textContent = value === null || value === undefined || value === "" ? "—" : String(value);
    return [dt, dd];
  }

  function showEvent(panel, detail) {
    var ev = detail.event, art = detail.article, seg = detail.segments;
    panel.replaceChildren();
    var h = document.createElement("h3");
    h.textContent = ev.source.principal + " → " + ev.target.principal + ": " + ev.cameo +
      (ev.cameo_name ? " " + ev.cameo_name : "");
    panel.appendChild(h);
    var dl = document.createElement("dl");
    dl.className = "facts";
    [["Date", ev.date], ["Quad", ev.quad_name], ["Goldstein", ev.goldstein],
     ["Flags", (ev.flags || []).join(", ")], ["Place", ev.location ? ev.location.name : null],
     ["Article", art.title || art.id], ["Outlet", art.outlet], ["Published", art.published]]
      .forEach(function (pair) { field(pair[0], pair[1]).forEach(function (n) { dl.appendChild(n); }); });
    panel.appendChild(dl);
    var text = document.createElement("div");
    text.className = "article-text";
    text.setAttribute("tabindex", "0");
    text.setAttribute("aria-label", "Article text with the event's sentence highlighted");
    var mark = document.createElement("mark");
    mark.className = "evidence";
    mark.textContent = seg.sentence;
    text.appendChild(document.createTextNode(seg.before));
    text.appendChild(mark);
    text.appendChild(document.createTextNode(seg.after));
    panel.appendChild(text);
    var link = document.createElement("a");
    link.href = "/events/" + encodeURIComponent(ev.event_id);
    link.textContent = "Open this event on its own page";
    panel.appendChild(link);
    panel.hidden = false;
    var hint = document.getElementById("panel-hint");
    if (hint) { hint.hidden = true; }
    text.scrollTop = Math.max(0, mark.offsetTop - text.offsetTop - 40);
  }

  function showError(panel, message) {
    panel.replaceChildren();
    var p = document.createElement("p");
    p.className = "error";
    p.textContent = message;
    panel.appendChild(p);
    panel.hidden = false;
  }

  function onEventClick(panel, link) {
    var id = link.getAttribute("data-event-id");
    document.querySelectorAll("tr.selected").forEach(function (tr) { tr.classList.remove("selected"); });
    var row = link.closest("tr");
    if (row) { row.classList.add("selected"); }
    fetch("/api/events/" + encodeURIComponent(id), { headers: { Accept: "application/json" } })
      .then(function (r) {
        return r.json().then(function (body) {
          if (!r.ok) { throw new Error(body.error ? body.error.message : r.statusText); }
          return body;
        });
      })
      .then(function (detail) { showEvent(panel, detail); })
      .catch(function (err) { showError(panel, "Could not load the event: " + err.message); });
  }

  document.addEventListener("DOMContentLoaded", function () {
    var dyad = readJSON("dyad-data");
    var world = readJSON("world-data");
    var places = readJSON("places-data");
    if (dyad && document.getElementById("timeline")) {
      window.DetenteCharts.drawTimeline(document.getElementById("timeline"), dyad);
      var agr = document.getElementById("agreements-chart");
      if (agr) { window.DetenteCharts.drawAgreements(agr, dyad.agreements); }
    }
    var mapEl = document.getElementById("map");
    var highlight = dyad ? [dyad.a, dyad.b] : [];
    if (mapEl && world) {
      window.DetenteCharts.drawMap(mapEl, world, places || [], highlight);
    } else if (mapEl && mapEl.getAttribute("data-world-url")) {
      fetch(mapEl.getAttribute("data-world-url"))
        .then(function (r) { return r.json(); })
        .then(function (w) { window.DetenteCharts.drawMap(mapEl, w, places || [], highlight); });
    }
    var panel = document.getElementById("event-panel");
    if (panel) {
      document.querySelectorAll("a.event-link").forEach(function (link) {
        link.addEventListener("click", function (e) {
          if (e.ctrlKey || e.metaKey || e.shiftKey) { return; }
          e.preventDefault();
          onEventClick(panel, link);
        });
      });
    }
  });
})();
