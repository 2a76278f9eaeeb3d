// The Contrastream dashboard: polls /api/state every second and draws it with uPlot.
// After each draw, every chart container carries data-points="N" (the non-null values drawn),
// and <body> data-polls the number of states drawn: what the browser test reads.
"use strict";

const PALETTE = ["#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#e377c2",
                 "#7f7f7f", "#bcbd22", "#17becf"];
const POLL_MS = 1000;

// One chart per panel: which series of a model it draws (from model.series, or alertRate).
const PANELS = [
  { id: "chart-loss", fields: [["loss", ""]] },
  { id: "chart-auc", fields: [["rocAuc", ""]], range: [0, 1] },
  { id: "chart-distance", fields: [["positiveDistance", " pos"], ["negativeDistance", " neg"]] },
  { id: "chart-threshold", fields: [["threshold", ""]] },
  { id: "chart-events", fields: [["eventsPerSecond", ""]] },
  { id: "chart-alerts", fields: [["perSecond", ""]], alertRate: true },
];

let charts = {};      // panel id -> uPlot
let modelKey = "";    // the models the charts were built for
let polls = 0;

function fmt(v, digits) {
  return v === null || v === undefined ? "-" : Number(v).toFixed(digits);
}

function el(tag, text, cls) {
  const e = document.createElement(tag);
  e.textContent = text;
  if (cls) e.className = cls;
  return e;
}

// The data of one panel: x values of all models joined, one y series per model and field.
function panelData(panel, models, names) {
  const tables = [];
  for (const name of names) {
    const m = models[name];
    const src = panel.alertRate ? m.alertRate : m.series;
    const table = [src.t];
    for (const [field] of panel.fields) table.push(src[field]);
    tables.push(table);
  }
  return tables.length === 0 ? [[]] : uPlot.join(tables);
}

function countPoints(data) {
  let n = 0;
  for (let s = 1; s < data.length; s++) {
    for (const v of data[s]) if (v !== null && v !== undefined) n++;
  }
  return n;
}

function build(panel, names, data) {
  const container = document.getElementById(panel.id);
  container.textContent = "";
  const series = [{}];
  names.forEach((name, i) => {
    panel.fields.forEach(([field, suffix], k) => {
      series.push({
        label: name + suffix,
        stroke: PALETTE[i % PALETTE.length],
        dash: k === 1 ? [6, 4] : undefined,
        width: 1.5,
        spanGaps: true,
        points: { show: false },
        value: (u, v) => fmt(v, 4),
      });
    });
  });
  const opts = {
    width: Math.max(300, container.clientWidth),
    height: 220,
    series,
    scales: { x: { time: true }, y: panel.range ? { range: panel.range } : {} },
    axes: [{}, { size: 60 }],
    legend: { live: true },
  };
  return new uPlot(opts, data, container);
}

function render(state) {
  const names = Object.keys(state.models).filter(n => state.models[n].series.t.length > 0
      || state.models[n].alertRate.t.length > 0);
  const key = names.join("\u0000");
  for (const panel of PANELS) {
    const data = panelData(panel, state.models, names);
    if (key !== modelKey || !charts[panel.id]) {
      if (charts[panel.id]) charts[panel.id].destroy();
      charts[panel.id] = build(panel, names, data);
    } else {
      charts[panel.id].setData(data);
    }
    document.getElementById(panel.id).dataset.points = String(countPoints(data));
  }
  modelKey = key;

  const models = document.querySelector("#models tbody");
  models.textContent = "";
  for (const name of names) {
    const m = state.models[name];
    const l = m.latest;
    const tr = document.createElement("tr");
    tr.append(el("td", name), el("td", l.modelVersion ?? "-"), el("td", fmt(l.loss, 4)),
        el("td", fmt(l.rocAuc, 4)), el("td", fmt(l.positiveDistance, 4)),
        el("td", fmt(l.negativeDistance, 4)), el("td", fmt(l.threshold, 4)),
        el("td", fmt(l.eventsPerSecond, 1)), el("td", String(m.alerts)),
        el("td", Object.entries(m.alertsByKind).map(([k, v]) => k + " " + v).join(", "), "text"));
    models.append(tr);
  }

  const alerts = document.querySelector("#alerts tbody");
  alerts.textContent = "";
  for (const a of state.alerts) {
    const tr = document.createElement("tr");
    tr.className = "kind-" + a.kind;
    tr.append(el("td", new Date(a.time).toISOString().replace("T", " ").replace("Z", "")),
        el("td", a.model), el("td", a.kind), el("td", fmt(a.distance, 4)),
        el("td", fmt(a.threshold, 4)), el("td", a.eventId ?? "-", "text"),
        el("td", a.detail, "text"));
    alerts.append(tr);
  }

  document.getElementById("source").textContent = state.source;
  const r = state.records;
  document.getElementById("status").textContent =
      `${names.length} models; ${r.metrics} metrics and ${r.alerts} alert records read` +
      (r.unreadable ? `, ${r.unreadable} unreadable` : "") +
      `; updated ${new Date(state.generatedAt).toLocaleTimeString()}`;
  polls++;
  document.body.dataset.polls = String(polls);
}

async function poll() {
  try {
    const response = await fetch("/api/state", { cache: "no-store" });
    if (response.ok) render(await response.json());
    else document.getElementById("status").textContent = "server answered " + response.status;
  } catch (e) {
    document.getElementById("status").textContent = "server not reachable: " + e;
  }
  setTimeout(poll, POLL_MS);
}

poll();
