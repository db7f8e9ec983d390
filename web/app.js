// The classroom page: builds the knobs from GET /api/knobs, asks GET /api/run
// for each change (debounced), and draws the answer with uPlot: the volume by
// class with the timeline's events, and the people and bots reached, over the
// earlier runs in grey and, after "4 seeds", the band of the four runs.
"use strict";

const KEEP = 4;            // earlier runs drawn in grey
const DEBOUNCE_MS = 250;
const HUMAN = "#1f6fb4", BOT = "#d1495b", TOTAL = "#222", OLD = "rgba(90,90,90,0.45)";
const DAYS = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];

const tc = window.tc = {
  knobs: null,      // GET /api/knobs
  last: null,       // the answer drawn, and its url: tc.last.url, tc.last.data
  earlier: [],      // earlier answers (newest first), drawn in grey
  band: null,       // {lo, hi, reachLo, reachHi, seeds} after "4 seeds"
  charts: {},       // the uPlot instances: volume, reach
  runs: 0,          // answers drawn
};

const $ = (id) => document.getElementById(id);
const fmtInt = (x) => Math.round(x).toLocaleString("en-US");

// Simulated seconds -> the scenario's wall clock, as "UTC" seconds (the axis
// is drawn in UTC, so it reads the scenario's local time whatever the browser's).
const wall = (d, t) => d.start + d.utc_offset_s + t;
function clockLabel(s, withDay) {
  const dt = new Date(s * 1000);
  const hm = String(dt.getUTCHours()).padStart(2, "0") + ":" + String(dt.getUTCMinutes()).padStart(2, "0");
  return withDay ? DAYS[dt.getUTCDay()] + " " + hm : hm;
}

function setStatus(text, isError) {
  const s = $("status");
  s.textContent = text;
  s.className = isError ? "error" : "";
}

// ------------------------------------------------------------------ knobs

function knobText(k, v) {
  if (k.kind === "toggle") return v ? "on" : "off";
  if (k.kind === "time") {
    const d = tc.knobs;
    return clockLabel(d.start + d.utc_offset_s + v * 3600, true);
  }
  if (k.percent) return (Math.round(v * 1000) / 10) + " %";
  return String(Math.round(v * 1e6) / 1e6);
}

function buildKnobs(d) {
  const form = $("knobs");
  form.textContent = "";
  for (const k of d.knobs) {
    const row = document.createElement("div");
    row.className = "row" + (k.kind === "toggle" ? " toggle" : "");
    row.id = "row-" + k.id;
    const label = document.createElement("label");
    const input = document.createElement("input");
    input.id = "knob-" + k.id;
    input.name = k.id;
    label.htmlFor = input.id;
    if (k.kind === "toggle") {
      input.type = "checkbox";
      input.checked = !!k.default;
      label.append(input, document.createTextNode(k.label));
      row.append(label);
    } else {
      input.type = "range";
      input.min = k.min;
      input.max = k.max;
      input.step = k.step;
      input.value = k.default;
      const out = document.createElement("output");
      out.className = "out";
      out.id = "out-" + k.id;
      out.htmlFor = input.id;
      label.append(document.createTextNode(k.label), out);
      const range = document.createElement("div");
      range.className = "range";
      range.innerHTML = "<span></span><span></span>";
      range.children[0].textContent = knobText(k, k.min);
      range.children[1].textContent = knobText(k, k.max);
      row.append(label, input, range);
    }
    input.addEventListener("input", () => { showKnobs(); schedule(); });
    form.append(row);
  }
  showKnobs();
}

function knobValue(k) {
  const input = $("knob-" + k.id);
  return k.kind === "toggle" ? (input.checked ? 1 : 0) : Number(input.value);
}

function showKnobs() {
  const takedown = tc.knobs.knobs.find((k) => k.id === "takedown");
  for (const k of tc.knobs.knobs) {
    const out = $("out-" + k.id);
    if (out) out.textContent = knobText(k, knobValue(k));
    // a knob named takedown_at matters only while the takedown is on
    if (k.id === "takedown_at" && takedown)
      $("row-" + k.id).classList.toggle("disabled", !knobValue(takedown));
  }
}

function query(seed) {
  const p = new URLSearchParams();
  for (const k of tc.knobs.knobs) p.set(k.id, String(knobValue(k)));
  p.set("seed", String(seed));
  return "api/run?" + p.toString();
}

// ------------------------------------------------------------------ runs

let timer = null, asked = 0;
function schedule() {
  clearTimeout(timer);
  timer = setTimeout(runNow, DEBOUNCE_MS);
}

async function fetchRun(url) {
  const r = await fetch(url);
  const body = await r.json();
  if (!r.ok) throw new Error(body.error || ("HTTP " + r.status));
  return body;
}

async function runNow() {
  const url = query(Number($("seed").value) || 0);
  const mine = ++asked;
  document.body.dataset.state = "running";
  setStatus("running…");
  try {
    const d = await fetchRun(url);
    if (mine !== asked) return; // a newer request is on its way
    accept(url, d);
    setStatus("ready: the run took " + d.run_s.toFixed(2) + " s" + (d.run_s < 0.005 ? " (from the cache)" : ""));
  } catch (e) {
    if (mine !== asked) return;
    setStatus(e.message, true);
    document.body.dataset.state = "error";
  }
}

function accept(url, d) {
  if (tc.last && tc.last.url !== url) {
    tc.earlier.unshift(tc.last);
    tc.earlier = tc.earlier.filter((r) => r.url !== url).slice(0, KEEP);
  }
  if (tc.band && tc.band.key !== url.replace(/&seed=\d+$/, "")) tc.band = null;
  tc.last = {url, data: d};
  draw();
  tc.runs++;
  document.body.dataset.runs = String(tc.runs);
  document.body.dataset.state = "ready";
}

async function fourSeeds() {
  const base = Number($("seed").value) || 0;
  setStatus("running 4 seeds…");
  document.body.dataset.state = "running";
  try {
    const urls = [0, 1, 2, 3].map((i) => query(base + i));
    const ds = await Promise.all(urls.map(fetchRun));
    const n = ds[0].intervals;
    const tot = (d, i) => d.volume_human[i] + d.volume_bot[i];
    const lo = [], hi = [], rlo = [], rhi = [];
    for (let i = 0; i < n; i++) {
      const v = ds.map((d) => tot(d, i)), r = ds.map((d) => d.reached_human[i]);
      lo.push(Math.min(...v)); hi.push(Math.max(...v));
      rlo.push(Math.min(...r)); rhi.push(Math.max(...r));
    }
    const reach = ds.map((d) => d.summary.reach_human);
    tc.band = {key: urls[0].replace(/&seed=\d+$/, ""), lo, hi, reachLo: rlo, reachHi: rhi,
               seeds: ds.map((d) => d.seed), reach};
    accept(urls[0], ds[0]);
    setStatus("4 seeds: people reached from " + fmtInt(Math.min(...reach)) + " to " + fmtInt(Math.max(...reach)));
  } catch (e) {
    setStatus(e.message, true);
    document.body.dataset.state = "error";
  }
}

// ------------------------------------------------------------------ drawing

function eventsPlugin(d) {
  // the timeline's events: a dashed line each, numbered at the top (the list
  // under the chart says what each number is); close numbers stack downwards
  return {
    hooks: {
      draw: [(u) => {
        const ctx = u.ctx, dpr = devicePixelRatio, r = 11 * dpr;
        ctx.save();
        const top = u.bbox.top, h = u.bbox.height;
        let prevX = -1e9, row = 0;
        d.events.forEach((ev, i) => {
          const x = Math.round(u.valToPos(wall(d, ev.t), "x", true));
          if (x < u.bbox.left || x > u.bbox.left + u.bbox.width) return;
          const colour = ev.kind === "takedown" ? BOT : "#666";
          ctx.strokeStyle = colour;
          ctx.lineWidth = (ev.kind === "takedown" ? 3 : 1.5) * dpr;
          ctx.setLineDash([6 * dpr, 5 * dpr]);
          ctx.beginPath(); ctx.moveTo(x, top); ctx.lineTo(x, top + h); ctx.stroke();
          ctx.setLineDash([]);
          if (u.root.dataset.labels !== "yes") return;
          row = x - prevX < 2.5 * r ? row + 1 : 0;
          prevX = x;
          const y = top + r + 2 * dpr + row * 2.2 * r;
          ctx.fillStyle = colour;
          ctx.beginPath(); ctx.arc(x, y, r, 0, 2 * Math.PI); ctx.fill();
          ctx.fillStyle = "#fff";
          ctx.font = "bold " + (13 * dpr) + "px DejaVu Sans, sans-serif";
          ctx.textAlign = "center";
          ctx.textBaseline = "middle";
          ctx.fillText(String(i + 1), x, y + 0.5 * dpr);
        });
        ctx.restore();
      }],
    },
  };
}

function listEvents(d) {
  const ol = $("events");
  ol.textContent = "";
  d.events.forEach((ev) => {
    const li = document.createElement("li");
    if (ev.kind === "takedown") li.className = "takedown";
    const when = document.createElement("b");
    when.textContent = clockLabel(wall(d, ev.t)) + " ";
    li.append(when, document.createTextNode(ev.label));
    ol.append(li);
  });
}

function axisX() {
  return {
    stroke: "#222", size: 50, space: 110, font: "16px DejaVu Sans, sans-serif",
    grid: {stroke: "#e6e6e6"},
    values: (u, splits) => splits.map((s, i) => {
      const prev = i ? new Date(splits[i - 1] * 1000).getUTCDay() : -1;
      return clockLabel(s, new Date(s * 1000).getUTCDay() !== prev);
    }),
  };
}

function axisY(label) {
  return {stroke: "#222", size: 80, font: "16px DejaVu Sans, sans-serif", label,
          labelFont: "bold 16px DejaVu Sans, sans-serif", labelSize: 30,
          grid: {stroke: "#e6e6e6"},
          values: (u, splits) => splits.map((v) => v >= 10000 ? (v / 1000) + "k" : fmtInt(v))};
}

function chartSize(el) {
  const w = el.clientWidth || 900;
  return {width: w, height: Math.max(240, Math.min(360, Math.round(w * 0.3)))};
}

function makeChart(name, el, opts, data) {
  if (tc.charts[name]) tc.charts[name].destroy();
  el.textContent = "";
  const u = new uPlot(Object.assign(chartSize(el), opts), data, el);
  u.root.dataset.labels = name === "volume" ? "yes" : "no";
  tc.charts[name] = u;
  return u;
}

function draw() {
  const d = tc.last.data;
  const x = Array.from({length: d.intervals}, (_, i) => wall(d, (i + 0.5) * d.interval_s));
  const total = d.volume_human.map((v, i) => v + d.volume_bot[i]);
  const mins = Math.round(d.interval_s / 60);
  $("volume-title").textContent = "Posts with the hashtag, per " + mins + " minutes";

  // volume: this run by class and in all, the earlier runs (all) in grey, the band
  const vs = [{}, {label: "people", stroke: HUMAN, width: 3},
              {label: "bots", stroke: BOT, width: 3},
              {label: "all", stroke: TOTAL, width: 1.5, dash: [4, 3]}];
  const vdata = [x, d.volume_human, d.volume_bot, total];
  tc.earlier.forEach((r, i) => {
    vs.push({label: "earlier " + (i + 1), stroke: OLD, width: 1.5});
    vdata.push(r.data.volume_human.map((v, j) => v + r.data.volume_bot[j]));
  });
  const bands = [];
  if (tc.band) {
    vs.push({label: "4 seeds: low", stroke: "rgba(0,0,0,0.25)", width: 1},
            {label: "4 seeds: high", stroke: "rgba(0,0,0,0.25)", width: 1});
    vdata.push(tc.band.lo, tc.band.hi);
    bands.push({series: [vs.length - 1, vs.length - 2], fill: "rgba(0,0,0,0.12)"});
  }
  makeChart("volume", $("volume-chart"), {
    scales: {x: {time: true}},
    series: vs, bands,
    axes: [axisX(), axisY("posts")],
    legend: {live: false},
    plugins: [eventsPlugin(d)],
    tzDate: (ts) => uPlot.tzDate(new Date(ts * 1e3), "Etc/UTC"),
  }, vdata);

  // reach: people and bots, the earlier runs' people in grey, the band
  const rs = [{}, {label: "people reached", stroke: HUMAN, width: 3, fill: "rgba(31,111,180,0.08)"},
              {label: "bots that took part", stroke: BOT, width: 3}];
  const rdata = [x, d.reached_human, d.reached_bot];
  tc.earlier.forEach((r, i) => {
    rs.push({label: "earlier " + (i + 1) + " (people)", stroke: OLD, width: 1.5});
    rdata.push(r.data.reached_human);
  });
  const rbands = [];
  if (tc.band) {
    rs.push({label: "4 seeds: low", stroke: "rgba(0,0,0,0.25)", width: 1},
            {label: "4 seeds: high", stroke: "rgba(0,0,0,0.25)", width: 1});
    rdata.push(tc.band.reachLo, tc.band.reachHi);
    rbands.push({series: [rs.length - 1, rs.length - 2], fill: "rgba(31,111,180,0.18)"});
  }
  makeChart("reach", $("reach-chart"), {
    scales: {x: {time: true}},
    series: rs, bands: rbands,
    axes: [axisX(), axisY("accounts")],
    legend: {live: false},
    plugins: [eventsPlugin(d)],
    tzDate: (ts) => uPlot.tzDate(new Date(ts * 1e3), "Etc/UTC"),
  }, rdata);

  listEvents(d);

  // the numbers
  const s = d.summary;
  $("reach-human").textContent = fmtInt(s.reach_human);
  $("reach-note").textContent = "of " + fmtInt(s.accounts - s.bots) + " people; " +
    fmtInt(s.exposed_human) + " saw it";
  $("reach-bot").textContent = fmtInt(s.reach_bot);
  $("bots-note").textContent = "of " + fmtInt(s.bots) + " bots" +
    (s.removed_bots ? "; " + fmtInt(s.removed_bots) + " taken down" : "");
  $("peak").textContent = s.peak_t === null ? "–" : clockLabel(wall(d, s.peak_t), true);
  $("peak-note").textContent = fmtInt(s.peak_volume) + " posts from " +
    (s.peak_t === null ? "" : clockLabel(wall(d, s.peak_t)) + " to " + clockLabel(wall(d, s.peak_t + d.interval_s)));
  const pa = 100 * s.bot_share_accounts, pv = s.bot_share_volume === null ? 0 : 100 * s.bot_share_volume;
  $("share-accounts").textContent = pa.toFixed(1) + " %";
  $("share-volume").textContent = s.bot_share_volume === null ? "–" : pv.toFixed(1) + " %";
  $("share-accounts-bar").style.width = Math.min(100, pa) + "%";
  $("share-volume-bar").style.width = Math.min(100, pv) + "%";
  if (tc.band) {
    $("reach-note").textContent += "; 4 seeds: " + fmtInt(Math.min(...tc.band.reach)) + "–" +
      fmtInt(Math.max(...tc.band.reach));
  }
}

// ------------------------------------------------------------------ start

async function start() {
  try {
    const r = await fetch("api/knobs");
    tc.knobs = await r.json();
  } catch (e) {
    setStatus("cannot reach the server: " + e.message, true);
    document.body.dataset.state = "error";
    return;
  }
  const d = tc.knobs;
  $("title").textContent = d.title;
  document.title = d.title + " — tagcascade";
  $("subtitle").textContent = "Scenario " + d.scenario + ": " + fmtInt(d.accounts) +
    " accounts, from " + clockLabel(d.start + d.utc_offset_s, true) + " for " +
    Math.round(d.duration_s / 3600) + " h (times in the scenario's local time)";
  buildKnobs(d);
  $("knobs").addEventListener("submit", (e) => e.preventDefault());
  $("seed").addEventListener("input", schedule);
  $("seeds4").addEventListener("click", fourSeeds);
  $("clear").addEventListener("click", () => { tc.earlier = []; tc.band = null; if (tc.last) draw(); });
  $("reset").addEventListener("click", () => {
    for (const k of d.knobs) {
      const input = $("knob-" + k.id);
      if (k.kind === "toggle") input.checked = !!k.default; else input.value = k.default;
    }
    showKnobs();
    schedule();
  });
  document.addEventListener("keydown", (e) => {
    if (e.target.tagName === "INPUT" && e.target.type === "number") return;
    if (e.ctrlKey || e.altKey || e.metaKey) return;
    if (e.key === "4") fourSeeds();
    else if (e.key === "c") $("clear").click();
    else if (e.key === "r") $("reset").click();
  });
  let resize = null;
  window.addEventListener("resize", () => { clearTimeout(resize); resize = setTimeout(() => tc.last && draw(), 150); });
  runNow();
}

start();
