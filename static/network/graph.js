/* Network drawing on a canvas: precomputed layout, pan (drag), zoom (wheel),
   tooltip on hover, click opens the actor profile in the app's tab (view kept).
   Data comes from <script id="net-data" type="application/json">; every string is
   drawn with fillText or set with textContent, never parsed as HTML.
   No dependency, no network access. */
(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("net-data").textContent);
  var canvas = document.getElementById("net");
  var tip = document.getElementById("tip");
  var ctx = canvas.getContext("2d");
  var nodes = data.nodes, edges = data.edges;
  var view = { k: 1, x: 0, y: 0 };
  var hover = -1, drag = null, moved = false;
  var W = 0, H = 0, dpr = window.devicePixelRatio || 1, PAD = 30;

  // legend and hint: text nodes only
  var legend = document.getElementById("legend");
  data.legend.forEach(function (item) {
    var row = document.createElement("div");
    var dot = document.createElement("span");
    dot.style.background = item[1];
    row.appendChild(dot);
    row.appendChild(document.createTextNode(item[0]));
    legend.appendChild(row);
  });
  document.getElementById("hint").textContent = data.hint || "";
  var wmax = 1;
  edges.forEach(function (e) { if (e[2] > wmax) wmax = e[2]; });

  // room on the right for the labels, which are drawn to the right of their node
  function sx(n) { var right = Math.min(160, 0.2 * W); return (PAD + n.x * (W - PAD - right)) * view.k + view.x; }
  function sy(n) { return (PAD + n.y * (H - 2 * PAD)) * view.k + view.y; }

  function resize() {
    var r = canvas.getBoundingClientRect();
    W = r.width; H = r.height;
    canvas.width = Math.round(W * dpr); canvas.height = Math.round(H * dpr);
    draw();
  }

  function draw() {
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    ctx.clearRect(0, 0, W, H);
    ctx.lineCap = "round";
    edges.forEach(function (e) {
      var a = nodes[e[0]], b = nodes[e[1]];
      var on = hover === e[0] || hover === e[1];
      ctx.strokeStyle = on ? "rgba(30,30,30,0.75)" : "rgba(120,120,120,0.28)";
      ctx.lineWidth = 0.6 + 2.4 * Math.sqrt(e[2] / wmax);
      ctx.beginPath(); ctx.moveTo(sx(a), sy(a)); ctx.lineTo(sx(b), sy(b)); ctx.stroke();
    });
    nodes.forEach(function (n, i) {
      ctx.beginPath();
      ctx.arc(sx(n), sy(n), n.r * Math.sqrt(view.k), 0, 2 * Math.PI);
      ctx.fillStyle = n.c; ctx.fill();
      ctx.lineWidth = i === hover ? 2.5 : 0.8; ctx.strokeStyle = i === hover ? "#000" : "#fff";
      ctx.stroke();
    });
    // labels of the most central actors (more when zoomed in), with a white halo
    ctx.font = "11px sans-serif"; ctx.textBaseline = "middle"; ctx.lineJoin = "round";
    ctx.lineWidth = 3; ctx.strokeStyle = "rgba(255,255,255,0.9)"; ctx.fillStyle = "#222";
    // in order of centrality, a label that would cover one already drawn is left out
    // (dense graphs: the names were written over each other); the hovered node's label
    // is always drawn, first
    var shown = Math.min(nodes.length, Math.round(data.labels * view.k * view.k));
    var placed = [];
    var order = hover >= 0 ? [hover] : [];
    for (var i = 0; i < shown; i++) { if (i !== hover) order.push(i); }
    order.forEach(function (i) {
      var n = nodes[i], label = n.label.length > 32 ? n.label.slice(0, 31) + "…" : n.label;
      var lx = sx(n) + n.r * Math.sqrt(view.k) + 3, ly = sy(n);
      if (n.lw === undefined) { n.lw = ctx.measureText(label).width; }  // once: same font
      var box = {x: lx - 2, y: ly - 8, w: n.lw + 4, h: 16, i: i};
      var hit = placed.some(function (b) {
        return box.x < b.x + b.w && b.x < box.x + box.w && box.y < b.y + b.h && b.y < box.y + box.h;
      });
      if (hit && i !== hover) return;
      placed.push(box);
      ctx.strokeText(label, lx, ly); ctx.fillText(label, lx, ly);
    });
    window.EcoNetwork = {labels: placed};  // what was written where (read by the tests)
  }

  function pick(px, py) {
    var best = -1, bd = Infinity;
    nodes.forEach(function (n, i) {
      var dx = sx(n) - px, dy = sy(n) - py, d = dx * dx + dy * dy;
      var r = n.r * Math.sqrt(view.k) + 3;
      if (d <= r * r && d < bd) { bd = d; best = i; }
    });
    return best;
  }

  function showTip(i, px, py) {
    if (i < 0) { tip.style.display = "none"; return; }
    var n = nodes[i];
    tip.textContent = "";
    var b = document.createElement("b"); b.textContent = n.label; tip.appendChild(b);
    n.info.forEach(function (line) {
      var d = document.createElement("div"); d.textContent = line; tip.appendChild(d);
    });
    tip.style.display = "block";
    tip.style.left = Math.min(px + 12, W - 200) + "px";
    tip.style.top = Math.min(py + 12, H - 80) + "px";
  }

  // the profile opens in the same tab, the view kept: Streamlit's st.iframe sandbox has
  // no allow-top-navigation, so the frame asks the app's page (pages/_url.MENU_JS
  // listens, checks the sender is one of its frames and the address its own) to open it
  // as its menu does; a drawing opened alone (no parent) goes there itself
  function open(url) {
    if (window.top !== window) { window.parent.postMessage({eco: "open", url: url}, "*"); return; }
    window.location.href = url;
  }

  function pos(ev) {
    var r = canvas.getBoundingClientRect();
    return [ev.clientX - r.left, ev.clientY - r.top];
  }

  canvas.addEventListener("mousemove", function (ev) {
    var p = pos(ev);
    if (drag) {
      view.x = drag[2] + p[0] - drag[0]; view.y = drag[3] + p[1] - drag[1];
      if (Math.abs(p[0] - drag[0]) + Math.abs(p[1] - drag[1]) > 3) moved = true;
      draw(); return;
    }
    var i = pick(p[0], p[1]);
    if (i !== hover) { hover = i; draw(); }
    canvas.style.cursor = i >= 0 ? "pointer" : "grab";
    showTip(i, p[0], p[1]);
  });
  canvas.addEventListener("mousedown", function (ev) {
    var p = pos(ev); drag = [p[0], p[1], view.x, view.y]; moved = false;
  });
  window.addEventListener("mouseup", function () { drag = null; });
  canvas.addEventListener("mouseleave", function () { hover = -1; tip.style.display = "none"; draw(); });
  canvas.addEventListener("click", function (ev) {
    if (moved) return;
    var p = pos(ev), i = pick(p[0], p[1]);
    if (i >= 0 && nodes[i].url) open(nodes[i].url);
  });
  canvas.addEventListener("wheel", function (ev) {
    ev.preventDefault();
    var p = pos(ev), f = ev.deltaY < 0 ? 1.2 : 1 / 1.2;
    var k = Math.min(20, Math.max(0.5, view.k * f));
    f = k / view.k;
    view.x = p[0] - (p[0] - view.x) * f; view.y = p[1] - (p[1] - view.y) * f; view.k = k;
    draw();
  }, { passive: false });
  window.addEventListener("resize", resize);
  resize();
  // for the browser tests: time a frame, find where a node is drawn
  window.netDraw = draw;
  window.netNodeXY = function (i) { return [sx(nodes[i]), sy(nodes[i])]; };
  document.body.setAttribute("data-drawn", String(nodes.length));
})();
