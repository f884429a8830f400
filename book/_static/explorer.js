/* The H20 risk book's what-if explorer (plain JavaScript, no library, nothing fetched).
 *
 * Reads the grid that model.explore.explorer_grid wrote into the page (a JSON <script> inside
 * each [data-h20-explorer] element) and redoes, on every slider move, the arithmetic of
 * model.explore.explorer_value: the prior mean, the tempered signal counts up to the chosen date
 * and the revenue datum's marginal likelihood (interpolated on the grid), then the mixture of the
 * scenarios' posterior quantile functions for the recovered share. Keep the two in step: the
 * tests compare this page with the Python copy and with the exact path.
 */
(function () {
  "use strict";

  var SVGNS = "http://www.w3.org/2000/svg";
  var MIX = { lo: -40.0, hi: 10.0, n: 60 }; // model.explore.MIX_BRACKET

  // ------------------------------------------------------------------ the arithmetic (explore.py)

  function weights(nodes, v, cubic) {
    var n = nodes.length;
    if (n === 1) return [[0, 1.0]];
    var x = nodes.map(Math.log);
    var lv = Math.min(Math.max(Math.log(v), x[0]), x[n - 1]);
    var i = 0;
    while (i < n - 2 && lv > x[i + 1]) i++;
    if (!cubic || n < 3) {
      var t = (lv - x[i]) / (x[i + 1] - x[i]);
      return [[i, 1.0 - t], [i + 1, t]];
    }
    var lo = Math.max(0, Math.min(i - 1, n - 4));
    var idx = [];
    for (var j = lo; j < Math.min(lo + 4, n); j++) idx.push(j);
    return idx.map(function (j) {
      var w = 1.0;
      idx.forEach(function (k) { if (k !== j) w *= (lv - x[k]) / (x[j] - x[k]); });
      return [j, w];
    });
  }

  function cellsOf(grid, state, s, sc, cubic) {
    var sdW = weights(state.sd, s.sd_factor, cubic);
    var out = [];
    if (sc === state.moved_index) {
      var loW = weights(grid.lower_nodes, s.lower, cubic), hiW = weights(grid.upper_nodes, s.upper, cubic);
      sdW.forEach(function (a) { loW.forEach(function (b) { hiW.forEach(function (c) {
        out.push([a[1] * b[1] * c[1], state.moved[a[0]][b[0]][c[0]]]);
      }); }); });
    } else {
      sdW.forEach(function (a) { out.push([a[1], state.fixed[a[0]][sc]]); });
    }
    return out;
  }

  function stateAt(grid, state, s) {
    var logZ = [], mean = [], q = [];
    for (var sc = 0; sc < grid.scenarios.length; sc++) {
      var z = 0, m = 0;
      cellsOf(grid, state, s, sc, true).forEach(function (wc) { z += wc[0] * wc[1].log_z; m += wc[0] * wc[1].mean; });
      var qs = new Array(grid.levels.length).fill(0);
      cellsOf(grid, state, s, sc, true).forEach(function (wc) {
        for (var k = 0; k < qs.length; k++) qs[k] += wc[0] * wc[1].q[k];
      });
      logZ.push(z); mean.push(m); q.push(qs);
    }
    return { logZ: logZ, mean: mean, q: q };
  }

  function priorMean(grid, base) {
    var m = grid.m, rest = 0;
    for (var i = 1; i < m.length; i++) rest += m[i];
    return m.map(function (v, i) { return i === 0 ? base : (1.0 - base) * v / rest; });
  }

  function expit(t) { return 1.0 / (1.0 + Math.exp(-t)); }

  function cdf(levels, q, t) {
    if (t < q[0]) return 0.0;
    if (t >= q[q.length - 1]) return 1.0;
    var j = 0;
    while (q[j + 1] <= t) j++;
    var u = (t - q[j]) / (q[j + 1] - q[j]);
    return expit(levels[j] + u * (levels[j + 1] - levels[j]));
  }

  function mixtureQuantile(levels, qs, prob, p) {
    var lo = MIX.lo, hi = MIX.hi;
    for (var it = 0; it < MIX.n; it++) {
      var mid = 0.5 * (lo + hi), f = 0;
      for (var s = 0; s < prob.length; s++) if (prob[s] > 0) f += prob[s] * cdf(levels, qs[s], mid);
      if (f < p) lo = mid; else hi = mid;
    }
    return expit(0.5 * (lo + hi));
  }

  function value(grid, s) {
    var logm = priorMean(grid, s.base_mean).map(Math.log);
    var cache = {}, belief = [];
    for (var k = 0; k <= s.step; k++) {
      var row = grid.steps[k];
      if (!(row.state in cache)) cache[row.state] = stateAt(grid, grid.states[row.state], s);
      var logp = logm.map(function (lm, sc) {
        var sig = 0;
        for (var c = 0; c < row.counts.length; c++) sig += row.counts[c] * grid.log_table[c][sc];
        return lm + s.weight * sig + cache[row.state].logZ[sc];
      });
      var top = Math.max.apply(null, logp);
      var p = logp.map(function (v) { return Math.exp(v - top); });
      var tot = p.reduce(function (a, b) { return a + b; }, 0);
      belief.push(p.map(function (v) { return v / tot; }));
    }
    var prob = belief[belief.length - 1];
    var st = grid.steps[s.step].state, at = cache[st];
    var share = {
      mean: prob.reduce(function (a, p, i) { return a + p * at.mean[i]; }, 0),
      q05: mixtureQuantile(grid.levels, at.q, prob, 0.05),
      q95: mixtureQuantile(grid.levels, at.q, prob, 0.95),
    };
    var rev = grid.states[st].revenue, usd = {};
    Object.keys(share).forEach(function (k) { usd[k] = share[k] * rev; });
    return { prob: prob, share: share, usd: usd, belief: belief, state: grid.states[st] };
  }

  // ------------------------------------------------------------------ formats (model.report)

  function probText(p) {
    if (p < 1e-4) return "< 0.01%";
    if (p > 1 - 1e-4) return "> 99.99%";
    if (p < 0.01) return Number((100 * p).toPrecision(2)) + "%";
    if (p > 0.99) return (100 * p).toFixed(2) + "%";
    return (100 * p).toFixed(1) + "%";
  }
  function pct(x) { return (100 * x).toPrecision(3) + "%"; }
  function usdM(bn) { return "USD " + Math.round(bn * 1000).toLocaleString("en-US") + "m"; }

  // ------------------------------------------------------------------ the page

  function el(tag, attrs, text) {
    var e = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) { e.setAttribute(k, attrs[k]); });
    if (text !== undefined) e.textContent = text;
    return e;
  }
  function svg(tag, attrs) {
    var e = document.createElementNS(SVGNS, tag);
    Object.keys(attrs || {}).forEach(function (k) { e.setAttribute(k, attrs[k]); });
    return e;
  }

  function sliders(grid) {
    var d = grid.defaults, lo = grid.lower_nodes, hi = grid.upper_nodes, sd = grid.sd_nodes;
    var L = Math.log;
    var moved = grid.moved;
    return [
      { key: "base_mean", label: "Prior probability of the base case", min: grid.ranges.base_mean[0],
        max: grid.ranges.base_mean[1], step: "0.01", value: d.base_mean, to: Number,
        show: function (v) { return (100 * v).toFixed(0) + "%"; } },
      { key: "weight", label: "Evidence discount (tempering weight w; 1 = every news item independent)",
        min: grid.ranges.weight[0], max: grid.ranges.weight[1], step: "0.01", value: d.weight, to: Number,
        show: function (v) { return v.toFixed(2); } },
      { key: "sd_factor", label: "Measurement error of reported revenue (× the stated error)", min: L(sd[0]),
        max: L(sd[sd.length - 1]), step: "any", value: L(d.sd_factor), to: Math.exp,
        show: function (v) { return "×" + v.toFixed(2); } },
      { key: "lower", label: "Recovery interval of '" + moved + "': lower end", min: L(lo[0]), max: L(lo[lo.length - 1]),
        step: "any", value: L(d.lower), to: Math.exp, show: pct },
      { key: "upper", label: "Recovery interval of '" + moved + "': upper end", min: L(hi[0]), max: L(hi[hi.length - 1]),
        step: "any", value: L(d.upper), to: Math.exp, show: pct },
      { key: "step", label: "Evidence up to", min: 0, max: grid.steps.length - 1, step: "1", value: d.step, to: Number,
        show: function (v) { var r = grid.steps[v]; return r.date + " (" + r.label + ")"; } },
    ];
  }

  function barsFigure(grid, colors) {
    var fig = el("figure", { "class": "h20x-figure h20x-fit" });
    var box = el("div", { "class": "h20x-bars", role: "img", "aria-label": "Scenario probabilities" });
    var rows = grid.scenarios.map(function (s) {
      var row = el("div", { "class": "h20x-bar-row" });
      row.appendChild(el("span", { "class": "h20x-bar-name" }, s));
      var track = el("span", { "class": "h20x-bar-track" });
      var bar = el("span", { "class": "h20x-bar", style: "background:" + colors[s] });
      track.appendChild(bar);
      row.appendChild(track);
      var num = el("span", { "class": "h20x-num", "data-key": "prob-" + s });
      row.appendChild(num);
      box.appendChild(row);
      return { bar: bar, num: num };
    });
    fig.appendChild(box);
    fig.appendChild(el("figcaption", {}, "Probability of each scenario given the evidence up to the chosen date, " +
      "at the settings above (exact path, interpolated only over the grid sliders)."));
    return { fig: fig, rows: rows };
  }

  function beliefFigure(grid, colors) {
    var W = 640, H = 250, m = { l: 40, r: 30, t: 10, b: 28 };
    var fig = el("figure", { "class": "h20x-figure" });
    var s = svg("svg", { viewBox: "0 0 " + W + " " + H, width: "100%", role: "img", "class": "h20x-belief",
      "aria-label": "Belief over time" });
    var t0 = Date.parse(grid.steps[0].date), t1 = Date.parse(grid.steps[grid.steps.length - 1].date);
    var X = function (d) { return m.l + (W - m.l - m.r) * (Date.parse(d) - t0) / Math.max(t1 - t0, 1); };
    var Y = function (p) { return H - m.b - (H - m.t - m.b) * p; };
    [0, 0.25, 0.5, 0.75, 1].forEach(function (p) {
      s.appendChild(svg("line", { x1: m.l, x2: W - m.r, y1: Y(p), y2: Y(p), stroke: "#E6E6E6" }));
      var lab = svg("text", { x: m.l - 4, y: Y(p) + 4, "text-anchor": "end", "font-size": "11", fill: "#555555" });
      lab.textContent = (100 * p).toFixed(0) + "%";
      s.appendChild(lab);
    });
    var d = new Date(t0);
    d.setUTCDate(1);
    for (var k = 0; k < 40; k++) {
      d.setUTCMonth(d.getUTCMonth() + (k ? 2 : 1));
      var iso = d.toISOString().slice(0, 10);
      if (Date.parse(iso) > t1) break;
      var tx = svg("text", { x: X(iso), y: H - 8, "text-anchor": "middle", "font-size": "11", fill: "#555555" });
      tx.textContent = iso.slice(0, 7);
      s.appendChild(tx);
      s.appendChild(svg("line", { x1: X(iso), x2: X(iso), y1: H - m.b, y2: H - m.b + 4, stroke: "#8C8C8C" }));
    }
    var marker = svg("line", { y1: m.t, y2: H - m.b, stroke: "#8C8C8C", "stroke-dasharray": "3 3" });
    s.appendChild(marker);
    var lines = grid.scenarios.map(function (sc) {
      var p = svg("polyline", { fill: "none", stroke: colors[sc], "stroke-width": "2", "data-scenario": sc });
      s.appendChild(p);
      return p;
    });
    fig.appendChild(s);
    var legend = el("div", { "class": "h20x-legend" });
    grid.scenarios.forEach(function (sc) {
      var item = el("span", { "class": "h20x-legend-item" });
      item.appendChild(el("span", { "class": "h20x-swatch", style: "background:" + colors[sc] }));
      item.appendChild(document.createTextNode(sc));
      legend.appendChild(item);
    });
    fig.appendChild(legend);
    fig.appendChild(el("figcaption", {}, "Belief over time: the probability of each scenario after each evidence " +
      "date, from the article's view up to the chosen date, at the settings above."));
    return {
      fig: fig,
      draw: function (belief, step) {
        lines.forEach(function (line, sc) {
          line.setAttribute("points", belief.map(function (p, k) {
            return X(grid.steps[k].date).toFixed(1) + "," + Y(p[sc]).toFixed(1);
          }).join(" "));
        });
        var xm = X(grid.steps[step].date);
        marker.setAttribute("x1", xm);
        marker.setAttribute("x2", xm);
        s.setAttribute("data-points", String(belief.length));
      },
    };
  }

  function mount(root) {
    var data = root.querySelector("script.h20-explorer-data");
    if (!data || root.getAttribute("data-ready")) return;
    var grid = JSON.parse(data.textContent);
    var colors = grid.colors || {};
    root.setAttribute("data-ready", "1");
    var controls = el("div", { "class": "h20x-controls" });
    var inputs = {};
    sliders(grid).forEach(function (sl) {
      var id = "h20x-" + sl.key;
      var wrap = el("div", { "class": "h20x-slider" });
      var lab = el("label", { "for": id }, sl.label + ": ");
      var out = el("output", { "for": id, "class": "h20x-setting", "data-key": "setting-" + sl.key });
      lab.appendChild(out);
      var input = el("input", { type: "range", id: id, min: sl.min, max: sl.max, step: sl.step });
      input.value = String(sl.value);
      wrap.appendChild(lab);
      wrap.appendChild(input);
      controls.appendChild(wrap);
      inputs[sl.key] = { input: input, out: out, sl: sl, init: sl.value };
    });
    var reset = el("button", { type: "button", "class": "h20x-reset" }, "Back to the assumptions");
    controls.appendChild(reset);

    var results = el("div", { "class": "h20x-results" });
    var bars = barsFigure(grid, colors);
    var share = el("div", { "class": "h20x-share" });
    var line = function (label, keys) {
      var p = el("p", {});
      p.appendChild(el("strong", {}, label + " "));
      keys.forEach(function (k, i) {
        if (i === 1) p.appendChild(document.createTextNode(" (90%: "));
        if (i === 2) p.appendChild(document.createTextNode(" to "));
        p.appendChild(el("span", { "class": "h20x-num", "data-key": k }));
      });
      p.appendChild(document.createTextNode(")"));
      share.appendChild(p);
    };
    line("Recovered share of FY2026 revenue: mean", ["share-mean", "share-q05", "share-q95"]);
    line("In US dollars: mean", ["usd-mean", "usd-q05", "usd-q95"]);
    var usdNote = el("p", { "class": "h20x-note" });
    share.appendChild(usdNote);
    var belief = beliefFigure(grid, colors);
    results.appendChild(bars.fig);
    results.appendChild(share);
    results.appendChild(belief.fig);
    root.appendChild(controls);
    root.appendChild(results);

    function settings() {
      var s = {};
      Object.keys(inputs).forEach(function (k) { s[k] = inputs[k].sl.to(parseFloat(inputs[k].input.value)); });
      s.step = Math.round(s.step);
      return s;
    }
    function put(node, v, text) { node.setAttribute("data-value", String(v)); node.textContent = text; }

    function update() {
      var s = settings();
      Object.keys(inputs).forEach(function (k) { inputs[k].out.textContent = inputs[k].sl.show(s[k]); });
      var v = value(grid, s);
      grid.scenarios.forEach(function (sc, i) {
        put(bars.rows[i].num, v.prob[i], probText(v.prob[i]));
        bars.rows[i].bar.style.width = (100 * v.prob[i]).toFixed(2) + "%";
      });
      ["mean", "q05", "q95"].forEach(function (k) {
        put(root.querySelector('[data-key="share-' + k + '"]'), v.share[k], pct(v.share[k]));
        put(root.querySelector('[data-key="usd-' + k + '"]'), v.usd[k], usdM(v.usd[k]));
      });
      usdNote.textContent = v.state.revenue_reported
        ? "US dollars at NVIDIA's reported FY2026 revenue of USD " + v.state.revenue.toFixed(1) + "bn."
        : "FY2026 revenue was not reported yet on this date: US dollars at its prior mean of USD " +
          v.state.revenue.toFixed(1) + "bn.";
      belief.draw(v.belief, s.step);
      root.setAttribute("data-settings", JSON.stringify(s));
    }
    Object.keys(inputs).forEach(function (k) { inputs[k].input.addEventListener("input", update); });
    reset.addEventListener("click", function () {
      Object.keys(inputs).forEach(function (k) { inputs[k].input.value = String(inputs[k].init); });
      update();
    });
    update();
  }

  function start() { document.querySelectorAll("[data-h20-explorer]").forEach(mount); }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
