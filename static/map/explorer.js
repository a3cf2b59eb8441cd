/* Map explorer layers (ecosystem/render/mapview.py). Strings in the data are plain text
 * (the JSON itself is embedded with ecosystem.render.safe.script_json): tooltips
 * and popups are DOM nodes filled with textContent, never parsed as HTML, so a
 * name such as <img src=x onerror=...> shows as those characters.
 * Points, cells and lines are added after the current script (setTimeout), so
 * streamlit-folium does not hook their clicks: only territory clicks rerun the app. */
(function () {
  "use strict";
  var E = window.EcoExplorer = window.EcoExplorer || {};
  var pending = 0;
  E.ready = false;

  function later(fn) {
    pending += 1;
    setTimeout(function () {
      try { fn(); } finally {
        pending -= 1;
        // not requestAnimationFrame: Chrome pauses it in an iframe scrolled out of view
        if (pending === 0) { setTimeout(function () { E.ready = true; }, 0); }
      }
    }, 0);
  }

  // the map's own canvas (preferCanvas): one canvas for territories, points and
  // lines, so a click that misses a point still reaches the territory below it
  function canvas(map) {
    return map.getRenderer(L.polyline([[0, 0], [0, 0]]));
  }

  // an element with text only: el("b", "name") or el("div", [child, "text", ...])
  function el(tag, content, cls) {
    var node = document.createElement(tag);
    if (cls) { node.className = cls; }
    (Array.isArray(content) ? content : [content]).forEach(function (c) {
      if (c === null || c === undefined) { return; }
      node.appendChild(typeof c === "object" ? c : document.createTextNode(String(c)));
    });
    return node;
  }

  function br() { return document.createElement("br"); }

  // an integer with its thousands grouped by ``sep`` (the language's, from the server)
  function grouped(n, sep) { return String(n).replace(/\B(?=(\d{3})+(?!\d))/g, sep || ""); }

  function territoryTip(p, b) {
    return el("div", [el("b", p.n), " (" + p.k + ")", br(), b.ind + b.sep + p.v, br(),
                      b.pop + b.sep + p.p, br(), el("i", b.hint)]);
  }

  // ``fc``: the territories' shapes and codes (the same text for every view of a
  // territory); ``d``: this view's name, value, population and class of each code
  E.choropleth = function (map, fc, d) {
    var at = {};
    for (var i = 0; i < d.k.length; i++) { at[d.k[i]] = i; }
    fc.labels = d.labels;
    fc.features.forEach(function (f) {
      var p = f.properties, j = at[p.k];
      if (j === undefined) { p.n = p.k; p.v = p.p = "—"; p.c = d.colors[d.colors.length - 1]; return; }
      p.n = d.n[j]; p.v = d.v[j]; p.p = d.p[j]; p.c = d.colors[d.c[j]];
    });
    var layer = L.geoJSON(fc, {
      style: function (f) {
        return {fillColor: f.properties.c, color: "#ffffff", weight: 0.7, fillOpacity: 0.8};
      },
      onEachFeature: function (f, l) {
        var p = f.properties, b = fc.labels;
        // "auto": left of the pointer in the map's east half, so it is not cut at the edge
        l.bindTooltip(function () { return territoryTip(p, b); }, {sticky: true, direction: "auto"});
        l.on("mouseover", function () { l.setStyle({weight: 2.5, color: "#1f2933"}); });
        l.on("mouseout", function () { l.setStyle({weight: 0.7, color: "#ffffff"}); });
      }
    }).addTo(map);
    E.choroplethLayer = layer;
    if (pending === 0) { later(function () {}); }
    return layer;
  };

  function popup(d, i) {
    var doms = d.d[i] ? d.d[i].split(".").map(function (k) { return d.domains[+k]; }).join(", ") : "—";
    var L_ = d.labels;
    var a = el("a", L_.open);
    a.target = "_blank";
    a.rel = "noopener";
    a.href = link(d, i);
    a.addEventListener("click", function (ev) { if (inApp(a.href)) { ev.preventDefault(); } });
    return el("div", [el("b", d.n[i]), br(),
                      L_.type + L_.sep + d.types[d.t[i]], br(),
                      L_.domains + L_.sep + doms, br(),
                      L_.commune + L_.sep + (d.communes[d.c[i]] || "—"), br(),
                      L_.projects + L_.sep + d.p[i] + " · " + L_.partners + L_.sep + d.q[i], br(),
                      a], "eco-pop");
  }

  // Open a page of the app in the same tab, in the same session (its state and the
  // territory kept): the app's page is this frame's parent, same origin; pushing the
  // URL and telling Streamlit's router (it listens to popstate) navigates without a
  // reload. Back returns to the map. A new tab when the parent cannot be reached.
  function inApp(url) {
    try {
      var w = window.parent;
      if (w === window || new URL(url).origin !== w.location.origin) { return false; }
      w.history.pushState({}, "", url);
      w.dispatchEvent(new w.PopStateEvent("popstate", {state: {}}));
      return true;
    } catch (e) { return false; }
  }

  function link(d, i) {
    // the page's relative link and the raw id, percent-encoded
    var rel = d.link + encodeURIComponent(d.id[i]);
    var base = document.referrer || location.href;
    try { base = window.parent.location.href; } catch (e) { /* other origin */ }
    try { rel = new URL(rel, base).href; } catch (e) { /* about:blank: keep it relative */ }
    return rel;
  }

  // the actor whose popup is open (null: none), told to the layers that care
  function selected(id) {
    (E.onSelect || []).forEach(function (fn) { fn(id); });
  }

  E.points = function (map, d) {
    later(function () {
      var r = canvas(map);
      // markercluster needs a maximum zoom, which a map without tiles lacks
      if (!isFinite(map.getMaxZoom())) { map.setMaxZoom(18); }
      // one cluster group per inset (d.g: 0 the metropole, 1… each overseas
      // département drawn beside it): Réunion's and Mayotte's points, 1° apart on the
      // national map, are never counted in one cluster
      function clusterGroup() {
        return L.markerClusterGroup({
          chunkedLoading: false, maxClusterRadius: 45, disableClusteringAtZoom: 15,
          showCoverageOnHover: false, spiderfyOnMaxZoom: false,
          // markercluster's own icon, its count grouped the reader's way (1 150, 1,150)
          iconCreateFunction: function (c) {
            var n = c.getChildCount();
            var size = n < 10 ? "small" : n < 100 ? "medium" : "large";
            return new L.DivIcon({html: el("div", el("span", grouped(n, d.labels.group))),
                                  className: "marker-cluster marker-cluster-" + size,
                                  iconSize: new L.Point(40, 40)});
          }
        });
      }
      var byGroup = {};
      var markers = new Array(d.lat.length);
      for (var i = 0; i < d.lat.length; i++) {
        var m = L.circleMarker([d.lat[i], d.lon[i]], {
          renderer: r, radius: 5, weight: 1, color: "#ffffff", fillColor: d.colors[d.t[i]],
          fillOpacity: 0.95
        });
        m._eco = i;
        markers[i] = m;
        var k = d.g ? d.g[i] : 0;
        (byGroup[k] = byGroup[k] || []).push(m);
      }
      function onClick(e) {
        var i = e.layer._eco;
        var p = L.popup({maxWidth: 320}).setLatLng(e.layer.getLatLng()).setContent(popup(d, i));
        p.once("remove", function () { selected(null); });
        p.openOn(map);
        selected(d.id[i]);
      }
      function onOver(e) {
        var l = e.layer;
        if (!l.getTooltip()) { l.bindTooltip(el("span", d.n[l._eco] + " — " + d.types[d.t[l._eco]]), {direction: "auto"}); }
        l.openTooltip();
      }
      var groups = Object.keys(byGroup).map(function (k) {
        var g = clusterGroup();
        g.on("click", onClick);
        g.on("mouseover", onOver);
        g.addLayers(byGroup[k]);
        map.addLayer(g);
        return g;
      });
      // the points as one layer for whoever reads them (tests, the XSS sweep): every
      // marker, and an event fired on a marker goes to its own group
      var group = {
        groups: groups,
        getLayers: function () { return markers.slice(); },
        eachLayer: function (fn) { markers.forEach(function (m) { fn(m); }); return group; },
        hasLayer: function (m) { return groups.some(function (g) { return g.hasLayer(m); }); },
        fire: function (type, e) {
          var g = groups.filter(function (x) { return e && x.hasLayer(e.layer); })[0];
          if (g) { g.fire(type, e); }
          return group;
        }
      };
      E.pointLayer = group;
      E.pointCount = markers.length;
      E.pointIds = d.id;
    });
  };

  E.cells = function (map, d) {
    later(function () {
      var r = canvas(map);
      var layer = L.featureGroup();
      for (var i = 0; i < d.lat.length; i++) {
        var radius = 3 + 22 * Math.sqrt(d.n[i] / d.max);
        L.circleMarker([d.lat[i], d.lon[i]], {
          renderer: r, radius: radius, weight: 1, color: "#ffffff",
          fillColor: d.colors[d.t[i]], fillOpacity: 0.7
        }).bindTooltip(el("span", d.nfmt[i]), {direction: "auto"}).addTo(layer);
      }
      layer.addTo(map);
      E.cellLayer = layer;
      E.cellCount = d.lat.length;
    });
  };

  // Partnership lines. With ``d.tiers`` (partnerships aggregated between territories,
  // coarsest first), the tier whose maxzoom the map's zoom does not exceed is drawn
  // instead of the individual lines (switched on zoomend); a selected actor (its
  // popup open) gets its own lines at any zoom.
  function lineGroup(map, a, b, w, wmax, tips, style, base) {
    var r = canvas(map);
    var layer = L.featureGroup();
    for (var i = 0; i < w.length; i++) {
      L.polyline([[a[0][i], a[1][i]], [b[0][i], b[1][i]]], {
        renderer: r, color: style.color, dashArray: style.dash, interactive: true,
        opacity: style.fade ? 0.25 + 0.6 * Math.sqrt(w[i] / wmax) : (style.opacity || 0.55),
        weight: base + style.spread * Math.sqrt(w[i] / wmax)
      }).bindTooltip(el("span", tips[i]), {direction: "auto"}).addTo(layer);
    }
    return layer;
  }

  E.lines = function (map, d) {
    later(function () {
      var style = {color: d.style.color, dash: d.style.dash, spread: 4};
      var layer = lineGroup(map, d.a, d.b, d.w, d.wmax, d.wfmt, style, 1);
      (E.lineLayers = E.lineLayers || []).push(layer);
      E.lineCount = (E.lineCount || 0) + d.w.length;
      var tiers = (d.tiers || []).map(function (t) {
        var s = {color: d.style.color, dash: null, spread: 7, fade: true};
        return {level: t.level, maxzoom: t.maxzoom, count: t.n.length,
                layer: lineGroup(map, t.a, t.b, t.n, t.nmax, t.tip, s, 0.75)};
      });
      if (!tiers.length) { layer.addTo(map); return; }
      var shown = null;
      function update() {
        var z = map.getZoom(), want = layer, mode = "actors";
        for (var k = 0; k < tiers.length; k++) {
          if (z <= tiers[k].maxzoom) { want = tiers[k].layer; mode = tiers[k].level; break; }
        }
        if (want !== shown) {
          if (shown) { map.removeLayer(shown); }
          want.addTo(map);
          shown = want;
        }
        E.flowMode = mode;
        E.flowShown = mode === "actors" ? d.w.length : want.getLayers().length;
      }
      // a selected actor: its own partnership lines on top of the aggregated ones
      var mine = null, current = null;
      function select(id) {
        current = id;
        if (mine) { map.removeLayer(mine); mine = null; }
        if (id === null || !d.ia || shown === layer) { E.selectedLines = 0; return; }
        var keep = [];
        for (var i = 0; i < d.w.length; i++) {
          if (d.ia[i] === id || d.ib[i] === id) { keep.push(i); }
        }
        function pick(arr) { return keep.map(function (i) { return arr[i]; }); }
        mine = lineGroup(map, [pick(d.a[0]), pick(d.a[1])], [pick(d.b[0]), pick(d.b[1])],
                         pick(d.w), d.wmax, pick(d.wfmt),
                         {color: d.style.color, dash: null, spread: 4, opacity: 0.9}, 1.5).addTo(map);
        E.selectedLines = keep.length;
      }
      (E.onSelect = E.onSelect || []).push(select);
      map.on("zoomend", function () { update(); select(current); });
      E.flowTiers = tiers.map(function (t) { return {level: t.level, maxzoom: t.maxzoom, count: t.count}; });
      update();
    });
  };
})();
