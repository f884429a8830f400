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
  //
  // The precision policy of model/report.py, digit for digit: sig() is report.sig, decidedRound()
  // report.decided_round, probText() report.prob_text, shareText() report.share_text, usdText()
  // report.usd_bn_text. tests/test_explorer_browser.py runs these in Chromium against Python.

  var DECIDE = 1e-9; // model.report.DECIDE

  function roundTo(x, d) {
    // round(x, d) from the exact binary value (as Python's round); exact ties do not occur here:
    // decidedRound only calls it off a boundary or on both sides of one
    if (d >= 0) return Number(x.toFixed(Math.min(d, 100)));
    var e = Math.floor(Math.log10(Math.abs(x))) + 1; // digits before the point
    var p = e + d;
    if (p >= 1) return Number(x.toPrecision(p));
    var unit = Math.pow(10, -d);
    return Math.abs(x) > unit / 2 ? Math.sign(x) * unit : 0;
  }
  function decidedRound(x, d) {
    var up = roundTo(x + DECIDE * Math.abs(x), d);
    return up !== roundTo(x - DECIDE * Math.abs(x), d) ? up : roundTo(x, d);
  }
  function grouped(text) {
    var parts = text.split(".");
    parts[0] = parts[0].replace(/\B(?=(\d{3})+(?!\d))/g, ",");
    return parts.join(".");
  }
  function sig(x, n) {
    if (n === undefined) n = 2;
    if (x === 0 || !isFinite(x)) return x === 0 ? "0" : "\u2014";
    var exp = Math.floor(Math.log10(Math.abs(x)));
    var rounded = decidedRound(x, n - 1 - exp);
    if (rounded !== 0 && Math.floor(Math.log10(Math.abs(rounded))) > exp) {
      exp += 1;
      rounded = decidedRound(x, n - 1 - exp);
    }
    var text = rounded.toFixed(Math.max(0, n - 1 - exp));
    return grouped(text === "-0" ? "0" : text);
  }
  var BOUND = 1e-4; // model.computation.mcmc_result.BOUND (the grid's text.bound overrides it)
  function probText(p) {
    if (p < BOUND) return "< 0.01%";
    if (p < 0.01) return sig(100 * p, 1) + "%";
    if (p > 0.99) return "> 99%";
    return decidedRound(100 * p, 0).toFixed(0) + "%";
  }
  function shareText(x) { return sig(100 * x, 2) + "%"; }
  function usdText(bn, n) { return "USD " + sig(bn, n === undefined ? 2 : n) + "bn"; }
  var FMT = { sig: sig, decidedRound: decidedRound, prob: probText, share: shareText, usd: usdText };

  // ------------------------------------------------------------------ what the page prints (model.widgets)

  var SLIDERS = ["base_mean", "weight", "sd_factor", "lower", "upper", "step"]; // model.widgets.SLIDERS
  var LOG = { sd_factor: true, lower: true, upper: true };

  function shownText(grid, v) {
    var out = {};
    grid.scenarios.forEach(function (sc, i) { out["prob-" + sc] = probText(v.prob[i]); });
    ["mean", "q05", "q95"].forEach(function (k) {
      out["share-" + k] = shareText(v.share[k]);
      out["usd-" + k] = usdText(v.usd[k]);
    });
    return out;
  }

  function settingText(grid, key, v) {
    if (key === "base_mean") return probText(v);
    if (key === "weight") return v.toFixed(2);
    if (key === "sd_factor") return "\u00d7" + sig(v, 2);
    if (key === "lower" || key === "upper") return shareText(v);
    return grid.text.steps[v];
  }

  // model.explore.idle_reasons + model.widgets.idle_sliders: which sliders cannot matter at the
  // chosen date, read from the grid's data there (signal counts, the revenue datum in force).
  function idle(grid, s) {
    var row = grid.steps[s.step], out = {};
    if (row.counts.every(function (c) { return c === 0; })) out.weight = "no_news";
    if (grid.states[row.state].kind === "none") out.sd_factor = "no_revenue";
    var ends = grid.ranges.base_mean.map(function (b) {
      var t = {};
      Object.keys(s).forEach(function (k) { t[k] = s[k]; });
      t.base_mean = b;
      return value(grid, t);
    });
    if (ends[1].prob[0] < BOUND) {
      var a = shownText(grid, ends[0]), b = shownText(grid, ends[1]);
      if (Object.keys(a).every(function (k) { return a[k] === b[k]; })) out.base_mean = "base_ruled_out";
    }
    return out;
  }

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
  function num(key, errText, errTitle) {
    // one output: its number, and beside it the stated error
    var wrap = el("span", { "class": "h20x-out" });
    wrap.appendChild(el("span", { "class": "h20x-num", "data-key": key }));
    wrap.appendChild(document.createTextNode("\u00a0"));
    wrap.appendChild(el("span", { "class": "h20x-err", "data-key": "err-" + key, title: errTitle }, errText));
    return wrap;
  }

  function sliders(grid) {
    var d = grid.defaults, L = Math.log;
    var ends = {
      base_mean: grid.ranges.base_mean, weight: grid.ranges.weight,
      sd_factor: [grid.sd_nodes[0], grid.sd_nodes[grid.sd_nodes.length - 1]],
      lower: [grid.lower_nodes[0], grid.lower_nodes[grid.lower_nodes.length - 1]],
      upper: [grid.upper_nodes[0], grid.upper_nodes[grid.upper_nodes.length - 1]],
      step: [0, grid.steps.length - 1],
    };
    return SLIDERS.map(function (key) {
      var log = !!LOG[key];
      return {
        key: key, text: grid.text.sliders[key], log: log,
        min: log ? L(ends[key][0]) : ends[key][0], max: log ? L(ends[key][1]) : ends[key][1],
        step: log ? "any" : (key === "step" ? "1" : "0.01"),
        to: log ? Math.exp : Number, from: log ? L : Number, value: d[key],
      };
    });
  }

  function barsFigure(grid, colors) {
    var fig = el("figure", { "class": "h20x-figure h20x-fit" });
    var box = el("div", { "class": "h20x-bars", role: "img", "aria-label": "Scenario probabilities" });
    var title = grid.text.err.prob + ": " + grid.text.err_note;
    var rows = grid.scenarios.map(function (s) {
      var row = el("div", { "class": "h20x-bar-row" });
      row.appendChild(el("span", { "class": "h20x-bar-name" }, grid.text.scenarios[s]));
      var track = el("span", { "class": "h20x-bar-track" });
      var bar = el("span", { "class": "h20x-bar", style: "background:" + colors[s] });
      track.appendChild(bar);
      row.appendChild(track);
      row.appendChild(num("prob-" + s, grid.text.err.prob, title));
      box.appendChild(row);
      return { bar: bar, num: row.querySelector('[data-key="prob-' + s + '"]') };
    });
    fig.appendChild(box);
    fig.appendChild(el("figcaption", {}, "Probability of each scenario given the evidence up to the chosen date, " +
      "at the settings above (exact path, interpolated only over the grid sliders)."));
    return { fig: fig, rows: rows };
  }

  function beliefFigure(grid, colors) {
    // steps as the book's other charts draw them (each value holds until the next evidence date),
    // the prior (the article's view) as the first point, in a column of its own before the dates
    // drawn for the screen it is on: a phone gets a chart of its own width (text unshrunk, fewer ticks)
    var phone = !!(window.matchMedia && window.matchMedia("(max-width: 600px)").matches);
    var W = phone ? 350 : 640, H = phone ? 230 : 250, m = { l: 40, r: phone ? 22 : 30, t: 10, b: 28 }, GAP = 34;
    var fig = el("figure", { "class": "h20x-figure" });
    var s = svg("svg", { viewBox: "0 0 " + W + " " + H, width: "100%", role: "img", "class": "h20x-belief",
      "aria-label": "Belief over time" });
    var t0 = Date.parse(grid.steps[0].date), t1 = Date.parse(grid.steps[grid.steps.length - 1].date);
    var D0 = m.l + GAP, P0 = m.l + GAP / 3;
    var X = function (d) { return D0 + (W - D0 - m.r) * (Date.parse(d) - t0) / Math.max(t1 - t0, 1); };
    var XK = function (k) { return k === 0 ? P0 : X(grid.steps[k].date); };
    var Y = function (p) { return H - m.b - (H - m.t - m.b) * p; };
    [0, 0.25, 0.5, 0.75, 1].forEach(function (p) {
      s.appendChild(svg("line", { x1: m.l, x2: W - m.r, y1: Y(p), y2: Y(p), stroke: "#E6E6E6" }));
      var lab = svg("text", { x: m.l - 4, y: Y(p) + 4, "text-anchor": "end", "font-size": "11", fill: "#555555" });
      lab.textContent = (100 * p).toFixed(0) + "%";
      s.appendChild(lab);
    });
    var pl = svg("text", { x: P0, y: H - 8, "text-anchor": "middle", "font-size": "11", fill: "#555555" });
    pl.textContent = "prior";
    s.appendChild(pl);
    var d = new Date(t0);
    d.setUTCDate(1);
    for (var k = 0; k < 40; k++) {
      d.setUTCMonth(d.getUTCMonth() + (k ? (phone ? 4 : 2) : 1));
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
    var priors = grid.scenarios.map(function (sc) {
      var c = svg("circle", { r: "4", fill: colors[sc], stroke: "#ffffff", "stroke-width": "1",
        "class": "h20x-prior", "data-scenario": sc, cx: P0 });
      s.appendChild(c);
      return c;
    });
    fig.appendChild(s);
    var legend = el("div", { "class": "h20x-legend" });
    grid.scenarios.forEach(function (sc) {
      var item = el("span", { "class": "h20x-legend-item" });
      item.appendChild(el("span", { "class": "h20x-swatch", style: "background:" + colors[sc] }));
      item.appendChild(document.createTextNode(grid.text.scenarios[sc]));
      legend.appendChild(item);
    });
    fig.appendChild(legend);
    fig.appendChild(el("figcaption", {}, "Belief over time: the probability of each scenario, first the prior " +
      "(the article's view, the dot), then after each evidence date as a step that holds until the next one, up " +
      "to the chosen date (dashed line), at the settings above."));
    return {
      fig: fig,
      draw: function (belief, step) {
        lines.forEach(function (line, sc) {
          var pts = [];
          belief.forEach(function (p, k) {
            var y = Y(p[sc]).toFixed(1);
            if (k > 0) pts.push(XK(k).toFixed(1) + "," + Y(belief[k - 1][sc]).toFixed(1));
            pts.push(XK(k).toFixed(1) + "," + y);
          });
          line.setAttribute("points", pts.join(" "));
          priors[sc].setAttribute("cy", Y(belief[0][sc]).toFixed(1));
          priors[sc].setAttribute("data-value", String(belief[0][sc]));
        });
        var xm = XK(step);
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
    var colors = grid.colors || {}, T = grid.text;
    if (T.bound) BOUND = T.bound;
    root.setAttribute("data-ready", "1");
    var errTitle = T.err_note;

    // presets, then (on a phone) the outputs kept on screen, then the sliders, then the full outputs
    var presets = el("div", { "class": "h20x-presets", role: "group", "aria-label": "Presets" });
    var presetButtons = grid.presets.map(function (p) {
      var b = el("button", { type: "button", "class": "h20x-preset", "data-preset": p.key, "aria-pressed": "false" },
        p.label);
      presets.appendChild(b);
      return { button: b, preset: p };
    });
    var reset = el("button", { type: "button", "class": "h20x-reset", "data-preset": "reset" },
      "Back to the assumptions");
    presets.appendChild(reset);

    var sticky = el("div", { "class": "h20x-sticky", "aria-hidden": "true" });
    var sp = el("div", { "class": "h20x-sticky-probs" });
    grid.scenarios.forEach(function (sc) {
      var item = el("span", { "class": "h20x-sticky-item" });
      item.appendChild(el("span", { "class": "h20x-swatch", style: "background:" + colors[sc] }));
      item.appendChild(document.createTextNode(sc + " "));
      item.appendChild(el("span", { "class": "h20x-num", "data-key": "sticky-prob-" + sc }));
      sp.appendChild(item);
    });
    sp.appendChild(el("span", { "class": "h20x-err" }, T.err.prob));
    sticky.appendChild(sp);
    var ss = el("div", { "class": "h20x-sticky-share" });
    ss.appendChild(document.createTextNode("restored: "));
    ss.appendChild(el("span", { "class": "h20x-num", "data-key": "sticky-share-mean" }));
    ss.appendChild(document.createTextNode(" of revenue, "));
    ss.appendChild(el("span", { "class": "h20x-num", "data-key": "sticky-usd-mean" }));
    ss.appendChild(el("span", { "class": "h20x-err" }, " " + T.err.share));
    sticky.appendChild(ss);

    var controls = el("div", { "class": "h20x-controls" });
    var inputs = {};
    sliders(grid).forEach(function (sl) {
      var id = "h20x-" + sl.key;
      var wrap = el("div", { "class": "h20x-slider", "data-slider": sl.key });
      var lab = el("label", { "for": id });
      lab.appendChild(el("span", { "class": "h20x-label" }, sl.text.label + " "));
      lab.appendChild(el("span", { "class": "h20x-unit" }, "(" + sl.text.unit + ")"));
      lab.appendChild(document.createTextNode(": "));
      var out = el("output", { "for": id, "class": "h20x-setting", "data-key": "setting-" + sl.key });
      lab.appendChild(out);
      var input = el("input", { type: "range", id: id, min: sl.min, max: sl.max, step: sl.step,
        "aria-describedby": id + "-meaning" });
      input.value = String(sl.from(sl.value));
      var meaning = el("p", { "class": "h20x-meaning", id: id + "-meaning" }, sl.text.meaning);
      var note = el("p", { "class": "h20x-idle", "data-key": "idle-" + sl.key, role: "note" });
      note.hidden = true;
      wrap.appendChild(lab);
      wrap.appendChild(meaning);
      wrap.appendChild(input);
      wrap.appendChild(note);
      controls.appendChild(wrap);
      inputs[sl.key] = { input: input, out: out, sl: sl, note: note, wrap: wrap };
    });

    var results = el("div", { "class": "h20x-results" });
    var bars = barsFigure(grid, colors);
    var share = el("div", { "class": "h20x-share" });
    var line = function (label, keys, errText) {
      var p = el("p", {});
      p.appendChild(el("strong", {}, label + ": "));
      keys.forEach(function (k, i) {
        if (i === 1) p.appendChild(document.createTextNode(" to "));
        p.appendChild(num(k, errText, errTitle));
      });
      share.appendChild(p);
    };
    line("Share of FY2026 revenue restored, mean", ["share-mean"], T.err.share);
    line("Share of FY2026 revenue restored, 90% interval", ["share-q05", "share-q95"], T.err.share);
    line("In US dollars, mean", ["usd-mean"], T.err.share);
    line("In US dollars, 90% interval", ["usd-q05", "usd-q95"], T.err.share);
    var usdNote = el("p", { "class": "h20x-note" });
    share.appendChild(usdNote);
    share.appendChild(el("p", { "class": "h20x-note" }, errTitle));
    var belief = beliefFigure(grid, colors);
    results.appendChild(bars.fig);
    results.appendChild(share);
    results.appendChild(belief.fig);
    root.appendChild(presets);
    root.appendChild(sticky);
    root.appendChild(controls);
    root.appendChild(results);

    function settings() {
      var s = {};
      Object.keys(inputs).forEach(function (k) { s[k] = inputs[k].sl.to(parseFloat(inputs[k].input.value)); });
      s.step = Math.round(s.step);
      return s;
    }
    function put(node, v, text) { node.setAttribute("data-value", String(v)); node.textContent = text; }
    function setTo(values) {
      Object.keys(inputs).forEach(function (k) {
        var v = values[k] !== undefined ? values[k] : grid.defaults[k];
        inputs[k].input.value = String(inputs[k].sl.from(v));
      });
      update();
    }

    function update() {
      var s = settings();
      Object.keys(inputs).forEach(function (k) { inputs[k].out.textContent = settingText(grid, k, s[k]); });
      var v = value(grid, s), text = shownText(grid, v);
      grid.scenarios.forEach(function (sc, i) {
        put(bars.rows[i].num, v.prob[i], text["prob-" + sc]);
        put(root.querySelector('[data-key="sticky-prob-' + sc + '"]'), v.prob[i], text["prob-" + sc]);
        bars.rows[i].bar.style.width = (100 * v.prob[i]).toFixed(2) + "%";
      });
      ["mean", "q05", "q95"].forEach(function (k) {
        put(root.querySelector('[data-key="share-' + k + '"]'), v.share[k], text["share-" + k]);
        put(root.querySelector('[data-key="usd-' + k + '"]'), v.usd[k], text["usd-" + k]);
      });
      put(root.querySelector('[data-key="sticky-share-mean"]'), v.share.mean, text["share-mean"]);
      put(root.querySelector('[data-key="sticky-usd-mean"]'), v.usd.mean, text["usd-mean"]);
      usdNote.textContent = v.state.revenue_reported
        ? "US dollars at NVIDIA's reported FY2026 revenue of " + usdText(v.state.revenue, 3) + "."
        : "FY2026 revenue was not reported yet on this date: US dollars at its prior mean of " +
          usdText(v.state.revenue) + ".";
      var why = idle(grid, s);
      Object.keys(inputs).forEach(function (k) {
        var reason = why[k];
        inputs[k].note.hidden = !reason;
        inputs[k].note.textContent = reason ? T.idle[reason] : "";
        inputs[k].note.setAttribute("data-reason", reason || "");
        inputs[k].wrap.classList.toggle("h20x-is-idle", !!reason);
      });
      presetButtons.forEach(function (pb) {
        var same = Object.keys(inputs).every(function (k) {
          var want = pb.preset.set[k] !== undefined ? pb.preset.set[k] : grid.defaults[k];
          return Math.abs(s[k] - want) <= 1e-9 * Math.max(1, Math.abs(want));
        });
        pb.button.setAttribute("aria-pressed", same ? "true" : "false");
      });
      belief.draw(v.belief, s.step);
      root.setAttribute("data-settings", JSON.stringify(s));
      root.setAttribute("data-idle", JSON.stringify(why));
    }
    Object.keys(inputs).forEach(function (k) { inputs[k].input.addEventListener("input", update); });
    // the compact outputs stick just below the theme's own sticky header bar (its height varies)
    function stickBelowHeader() {
      var bar = document.querySelector(".bd-header-article");
      var h = bar && getComputedStyle(bar).position === "sticky" ? bar.getBoundingClientRect().height : 0;
      root.style.setProperty("--h20x-sticky-top", h + "px");
    }
    stickBelowHeader();
    window.addEventListener("resize", stickBelowHeader);
    presetButtons.forEach(function (pb) {
      pb.button.addEventListener("click", function () { setTo(pb.preset.set); });
    });
    reset.addEventListener("click", function () { setTo({}); });
    update();
  }

  // the formats and the arithmetic, for the tests (and a reader's console)
  if (typeof window !== "undefined") window.H20Explorer = { fmt: FMT, value: value };
  function start() { document.querySelectorAll("[data-h20-explorer]").forEach(mount); }
  if (typeof document === "undefined") return;
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
