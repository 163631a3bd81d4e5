// underlay serve: draws /api/topology as SVG and follows /api/events.
// The server computes the picture (package topo); this file only lays it
// out by tier and pod and paints the reported state over it.
"use strict";

const W = 180, H = 58, GAP = 14, PAD = 24, TIERGAP = 70, LABELS_UP_TO = 300, TEXTS_UP_TO = 300;
const GLYPH = { Ready: "✓", Progressing: "◐", Degraded: "✕", Unknown: "?" };
const S = { topo: null, status: {}, nodes: {}, pos: {}, byNode: {}, open: null };

const esc = (s) => String(s).replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]);
const short = (rev) => (rev ? rev.replace(/^sha256:/, "").slice(0, 7) : "–");
const st = (id) => S.status[id] || { state: "Unknown", established: -1, expected: -1 };

// perGroup is how many nodes a group of tier puts in a row: the tier's
// groups share the canvas' width, four nodes each at least.
function perGroup(t, tier, canvasWidth) {
  const groups = t.groups.filter((g) => g.tier === tier).length;
  const width = Math.max(canvasWidth, 800) - 2 * PAD;
  return Math.max(4, Math.floor(width / groups / (W + GAP)) - 1);
}

// layout places groups of one tier side by side, each a grid of nodes,
// tiers top to bottom, in a canvas of the given width; it returns the
// picture's size.
function layout(t, canvasWidth) {
  const tiers = [];
  for (const g of t.groups) {
    if (!tiers.length || tiers[tiers.length - 1].tier !== g.tier) tiers.push({ tier: g.tier, groups: [] });
    const cols = Math.min(g.nodes.length, perGroup(t, g.tier, canvasWidth));
    const rows = Math.ceil(g.nodes.length / cols);
    tiers[tiers.length - 1].groups.push({ g, cols, w: cols * (W + GAP) + GAP, h: rows * (H + GAP) + GAP + 16 });
  }
  let y = PAD, width = 0;
  for (const tr of tiers) {
    tr.w = tr.groups.reduce((a, x) => a + x.w + GAP, -GAP);
    tr.h = Math.max(...tr.groups.map((x) => x.h));
    width = Math.max(width, tr.w);
  }
  const boxes = [];
  for (const tr of tiers) {
    let x = PAD + (width - tr.w) / 2;
    for (const b of tr.groups) {
      boxes.push({ id: b.g.id, label: b.g.pod ? `${b.g.tier}, pod ${b.g.pod}` : b.g.tier, x, y, w: b.w, h: b.h });
      b.g.nodes.forEach((id, i) => {
        S.pos[id] = { x: x + GAP + (i % b.cols) * (W + GAP), y: y + 16 + GAP + Math.floor(i / b.cols) * (H + GAP) };
      });
      x += b.w + GAP;
    }
    y += tr.h + TIERGAP;
  }
  return { boxes, width: width + 2 * PAD, height: y - TIERGAP + PAD };
}

// draw builds the picture as one string, parsed once. A large picture
// gives its nodes text only near the visible part of the canvas (more as
// it scrolls, see labelVisible): laying out thousands of SVG texts is most
// of the first paint's cost, and every node keeps its state in its class,
// data-state and aria-label meanwhile.
function draw() {
  performance.mark("topology-fetched");
  const canvas = document.getElementById("canvas");
  // Read once, before the picture exists: no layout is forced later.
  const view = { width: canvas.clientWidth, height: canvas.clientHeight };
  const t = S.topo, size = layout(t, view.width), parts = [];
  S.lazy = t.nodes.length > TEXTS_UP_TO;
  const near = nearView({ left: 0, top: 0, ...view });
  parts.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${size.width}" height="${size.height}" role="group" aria-label="topology" data-edges="${t.edges.length}">`);
  for (const b of size.boxes) {
    parts.push(`<g class="group"><rect x="${b.x}" y="${b.y}" width="${b.w}" height="${b.h}" rx="6"/><text x="${b.x + 6}" y="${b.y + 13}">${esc(b.label)}</text></g>`);
  }
  drawEdges(t, parts);
  for (const n of t.nodes) parts.push(nodeHTML(n, !S.lazy || near(S.pos[n.id])));
  parts.push("</svg>");
  canvas.innerHTML = parts.join("");
  paintEdges(t.edges.keys());
  if (S.pathsPending) drawPaths();
  performance.mark("topology-drawn");
  // The frame after the next one has painted the picture.
  requestAnimationFrame(() => requestAnimationFrame(() => performance.mark("topology-painted")));
}

// nearView returns whether a node at p lies within a viewport's size of
// the viewport v, so text is ready before it scrolls in.
function nearView(v) {
  return (p) => p.x + W >= v.left - v.width && p.x <= v.left + 2 * v.width &&
    p.y + H >= v.top - v.height && p.y <= v.top + 2 * v.height;
}

// labelVisible gives text to the nodes near the viewport that have none
// yet; it runs once a frame while the canvas scrolls (a focused node is
// scrolled into view, so Tab reaches only nodes with text).
function labelVisible() {
  S.labelPending = false;
  const c = document.getElementById("canvas");
  const near = nearView({ left: c.scrollLeft, top: c.scrollTop, width: c.clientWidth, height: c.clientHeight });
  for (const n of S.topo.nodes) {
    const g = document.getElementById("n-" + n.id);
    // Added inside the node, which keeps its focus.
    if (g && g.childElementCount === 1 && near(S.pos[n.id])) g.insertAdjacentHTML("beforeend", nodeTexts(n, nodeView(n)));
  }
}

// nodeView is what a node shows of its state: colour and border style by
// class, a glyph and words, the revisions and sessions.
function nodeView(n) {
  const s = st(n.id), device = n.kind === "device";
  const state = device ? s.state : "";
  const stateText = device ? `${GLYPH[state] || "?"} ${state}${s.reason ? ": " + s.reason : ""}` : n.kind;
  let rev = "";
  if (device) {
    const sess = s.expected >= 0 ? `${s.established}/${s.expected}` : `?/${n.expectedSessions}`;
    rev = s.desiredRevision && s.desiredRevision !== s.appliedRevision
      ? `${short(s.appliedRevision)}→${short(s.desiredRevision)} · BGP ${sess}`
      : `rev ${short(s.appliedRevision)} · BGP ${sess}`;
  }
  return { cls: `node ${n.tier} ${state}`, state, stateText, rev, label: `${n.name}, ${device ? stateText + ", " + rev : n.kind}` };
}

// nodeTexts is a node's lines of text: name, state, revision and sessions.
function nodeTexts(n, v) {
  return `<text x="6" y="14" class="name">${esc(n.name)}</text>${stateTextHTML(v.stateText)}` +
    `<text x="6" y="44" class="rev">${esc(v.rev)}</text>`;
}

// nodeHTML is a node's markup as first drawn, with its texts or without.
function nodeHTML(n, texts) {
  const p = S.pos[n.id], v = nodeView(n);
  return `<g class="${esc(v.cls)}" id="n-${esc(n.id)}" data-id="${esc(n.id)}" data-state="${esc(v.state)}" data-rv="${esc(st(n.id).resourceVersion || "")}" aria-label="${esc(v.label)}" ` +
    `tabindex="0" role="button" transform="translate(${p.x},${p.y})"><rect width="${W}" height="${H}" rx="3"/>${texts ? nodeTexts(n, v) : ""}</g>`;
}

// paintNode repaints a node; a node without text yet (off-screen in a
// large picture) keeps its state in its label for assistive technology.
function paintNode(n) {
  const g = document.getElementById("n-" + n.id);
  if (!g) return;
  const v = nodeView(n);
  g.setAttribute("class", v.cls);
  g.dataset.state = v.state;
  g.dataset.rv = st(n.id).resourceVersion || "";
  g.setAttribute("aria-label", v.label);
  const [, name, state, rev] = g.children;
  if (!name) return;
  name.textContent = n.name;
  fitText(state, v.stateText);
  rev.textContent = v.rev;
}

// stateTextHTML is a node's state line as first drawn, fitted as fitText
// fits it on a repaint.
function stateTextHTML(text) {
  const long = text.length > 24 ? " long" : "";
  const squeeze = text.length > 30 ? ` textLength="${W - 12}" lengthAdjust="spacingAndGlyphs"` : "";
  return `<text x="6" y="29" class="state${long}"${squeeze}>${esc(text)}</text>`;
}

// fitText keeps a node's state line inside its box: a long reason
// ("✕ Degraded: HealthCheckFailed") in a smaller font, a longer one
// squeezed to the box. By length, not by measuring: a measurement per node
// would lay the page out once per device.
function fitText(el, text) {
  el.textContent = text;
  el.classList.toggle("long", text.length > 24);
  if (text.length <= 30) el.removeAttribute("textLength");
  else { el.setAttribute("textLength", W - 12); el.setAttribute("lengthAdjust", "spacingAndGlyphs"); }
}

// edgeState compares the sessions the intent predicts on an edge with what
// its devices report: per peer where the agent lists peers, else by the
// device's totals.
function edgeState(e) {
  if (e.kind !== "fabric" || e.sessions === 0) return { cls: "", text: e.sessions ? `${e.sessions} BGP` : "" };
  const problems = [];
  let known = false;
  for (const [end, other] of [[e.a, e.b], [e.b, e.a]]) {
    const s = S.status[end];
    if (!s) continue;
    const peer = s.peers && s.peers[other];
    if (peer !== undefined) {
      known = true;
      if (peer !== "Established") problems.push(`${S.nodes[end].name}: ${peer}`);
    } else if (s.expected >= 0) {
      known = true;
      if (s.established < s.expected) problems.push(`${S.nodes[end].name} ${s.established}/${s.expected}`);
      else if (s.expected !== S.nodes[end].expectedSessions) problems.push(`${S.nodes[end].name} expects ${s.expected}, intent ${S.nodes[end].expectedSessions}`);
    }
  }
  if (problems.length) return { cls: "bad", text: `✕ expected ${e.sessions}, ${problems.join("; ")}` };
  return { cls: known ? "ok" : "", text: `${e.sessions} BGP${known ? " ✓" : " ?"}` };
}

// paintEdges repaints the edges with the given indices.
function paintEdges(indices) {
  let changed = false;
  for (const i of indices) {
    const r = edgeState(S.topo.edges[i]);
    if (S.big) {
      changed ||= S.edgeCls[i] !== r.cls || S.edgeText[i] !== r.text;
      S.edgeCls[i] = r.cls;
      S.edgeText[i] = r.text;
      continue;
    }
    const line = document.getElementById("e" + i), label = document.getElementById("l" + i);
    line.setAttribute("class", `edge ${r.cls}`);
    line.dataset.state = r.cls || "unknown";
    label.setAttribute("class", `elabel ${r.cls}`);
    label.textContent = r.text;
  }
  if (changed && !S.pathsPending) {
    // One redraw a frame however many statuses arrive in it.
    S.pathsPending = true;
    requestAnimationFrame(() => { if (S.pathsPending) drawPaths(); });
  }
}

// drawPaths redraws a large picture's edges: one path per state, a label
// on each mismatch only.
function drawPaths() {
  S.pathsPending = false;
  const d = { "": [], ok: [], bad: [] }, labels = [];
  S.edgeCls.forEach((c, i) => {
    const g = S.geo[i];
    d[c].push(`M${g.x1} ${g.y1}L${g.x2} ${g.y2}`);
    if (c === "bad") labels.push(`<text class="elabel bad" text-anchor="${g.anchor}" x="${g.lx}" y="${g.ly}">${esc(S.edgeText[i])}</text>`);
  });
  for (const [c, id] of [["", "edges-plain"], ["ok", "edges-ok"], ["bad", "edges-bad"]]) {
    document.getElementById(id).setAttribute("d", d[c].join(""));
  }
  document.getElementById("bad-labels").innerHTML = labels.join("");
}

// edgeGeometry runs an edge from the bottom of its upper node to the top
// of its lower one; its label sits two thirds down, where edges from one
// node have spread apart.
function edgeGeometry(e) {
  const a = S.pos[e.a], b = S.pos[e.b];
  const x1 = a.x + W / 2, y1 = a.y + H, x2 = b.x + W / 2, y2 = b.y, left = x2 < x1 - 1;
  return { x1, y1, x2, y2, anchor: left ? "end" : "start", lx: x1 + (x2 - x1) * 0.68 + (left ? -4 : 4), ly: y1 + (y2 - y1) * 0.68 };
}

// drawEdges: a small picture draws each edge as a line with its label and
// its ports as a tooltip; a large one draws the edges of one state as one
// path, since tens of thousands of elements take seconds to paint, and
// lists ports in the device panel only.
function drawEdges(t, parts) {
  S.big = t.edges.length > LABELS_UP_TO;
  S.geo = t.edges.map(edgeGeometry);
  S.edgeCls = t.edges.map(() => null);
  S.edgeText = t.edges.map(() => null);
  if (S.big) {
    parts.push(`<path id="edges-plain" class="edge"/><path id="edges-ok" class="edge ok"/><path id="edges-bad" class="edge bad"/><g id="bad-labels"></g>`);
    return;
  }
  t.edges.forEach((e, i) => {
    const g = S.geo[i], ports = e.ports.map((p) => [p.a, p.b].filter(Boolean).join("–")).join(", ");
    parts.push(`<line id="e${i}" class="edge" x1="${g.x1}" y1="${g.y1}" x2="${g.x2}" y2="${g.y2}"><title>${esc(S.nodes[e.a].name)} – ${esc(S.nodes[e.b].name)}: ${esc(ports)}</title></line>`);
    parts.push(`<text id="l${i}" class="elabel" text-anchor="${g.anchor}" x="${g.lx}" y="${g.ly}"></text>`);
  });
}

function summary() {
  const count = {};
  let devices = 0;
  for (const n of S.topo.nodes) {
    if (n.kind !== "device") continue;
    devices++;
    const s = st(n.id).state;
    count[s] = (count[s] || 0) + 1;
  }
  const parts = ["Ready", "Progressing", "Degraded", "Unknown"].filter((k) => count[k]).map((k) => `${count[k]} ${k}`);
  document.getElementById("summary").textContent = `${devices} devices: ${parts.join(", ")}`;
}

// update paints one device's new status (or its NetworkDevice's removal).
function update(s, gone) {
  if (gone) delete S.status[s.name];
  else S.status[s.name] = s;
  const n = S.nodes[s.name];
  if (!n) return;
  paintNode(n);
  paintEdges(S.byNode[s.name] || []);
  if (S.open === s.name) openDevice(s.name, false);
}

// openDevice fills the panel from the status the page holds and, once per
// opening, the rendered files the server holds.
async function openDevice(id, fetchFiles = true) {
  const n = S.nodes[id];
  if (!n || n.kind !== "device") return;
  S.open = id;
  const s = st(id), panel = document.getElementById("panel");
  panel.hidden = false;
  document.getElementById("dev-name").textContent = `${n.name} (${n.platform}, AS${n.asn})`;
  const facts = [["State", `${GLYPH[s.state]} ${s.state}`], ["Reason", s.reason || "–"], ["Message", s.message || "–"],
    ["Desired revision", s.desiredRevision || "–"], ["Applied revision", s.appliedRevision || "–"],
    ["BGP sessions", `${s.expected >= 0 ? s.established + "/" + s.expected : "not reported"} (intent: ${n.expectedSessions})`],
    ["Rollbacks", String(s.rollbackCount || 0)]];
  document.getElementById("dev-facts").innerHTML = facts.map(([k, v]) => `<dt>${esc(k)}</dt><dd data-fact="${esc(k)}">${esc(v)}</dd>`).join("");
  document.getElementById("dev-error").textContent = s.lastError || "";
  const rows = (S.byNode[id] || []).map((i) => {
    const e = S.topo.edges[i], other = e.a === id ? e.b : e.a, r = edgeState(e);
    const ports = e.ports.map((p) => (e.a === id ? [p.a, p.b] : [p.b, p.a]).filter(Boolean).join("–")).join(", ");
    return `<tr><td>${esc(S.nodes[other].name)}</td><td>${esc(ports)}</td><td>${e.sessions}</td><td class="${r.cls}">${esc(r.text)}</td></tr>`;
  });
  document.querySelector("#dev-links tbody").innerHTML = rows.join("");
  if (location.hash !== "#device=" + encodeURIComponent(id)) history.replaceState(null, "", "#device=" + encodeURIComponent(id));
  if (!fetchFiles) return;
  const files = document.getElementById("dev-files");
  files.textContent = "loading…";
  try {
    const r = await fetch("api/device/" + encodeURIComponent(id));
    const d = await r.json();
    files.innerHTML = d.files.map((f) => `<details><summary>${esc(f.name)}</summary><pre>${esc(f.content)}</pre></details>`).join("");
  } catch (err) {
    files.textContent = "could not load the files: " + err;
  }
}

function closePanel() {
  const id = S.open;
  S.open = null;
  document.getElementById("panel").hidden = true;
  history.replaceState(null, "", location.pathname);
  if (id) document.getElementById("n-" + id)?.focus();
}

function bind() {
  const canvas = document.getElementById("canvas");
  const target = (ev) => ev.target.closest && ev.target.closest(".node");
  canvas.addEventListener("click", (ev) => { const g = target(ev); if (g) openDevice(g.dataset.id); });
  canvas.addEventListener("keydown", (ev) => {
    const g = target(ev);
    if (g && (ev.key === "Enter" || ev.key === " ")) { ev.preventDefault(); openDevice(g.dataset.id).then(() => document.getElementById("panel").focus()); }
  });
  const later = () => {
    if (S.lazy && !S.labelPending) { S.labelPending = true; requestAnimationFrame(labelVisible); }
  };
  canvas.addEventListener("scroll", later, { passive: true });
  window.addEventListener("resize", later, { passive: true });
  document.getElementById("close").addEventListener("click", closePanel);
  document.addEventListener("keydown", (ev) => { if (ev.key === "Escape" && S.open) closePanel(); });
}

function follow() {
  const es = new EventSource("api/events");
  es.addEventListener("snapshot", (ev) => {
    S.status = JSON.parse(ev.data);
    S.topo.nodes.forEach(paintNode);
    paintEdges(S.topo.edges.keys());
    summary();
    document.body.dataset.live = "1";
  });
  es.addEventListener("status", (ev) => {
    const m = JSON.parse(ev.data);
    update(m.status, m.gone);
    summary();
  });
  es.onerror = () => { document.body.dataset.live = "0"; };
}

async function main() {
  const r = await fetch("api/topology");
  const d = await r.json();
  S.topo = d.topology;
  S.status = d.status || {};
  for (const n of S.topo.nodes) S.nodes[n.id] = n;
  S.topo.edges.forEach((e, i) => { (S.byNode[e.a] ||= []).push(i); (S.byNode[e.b] ||= []).push(i); });
  let note = d.watching ? "" : " — not watching the API";
  if (d.watchError) note = ` — cannot watch NetworkDevices: ${d.watchError}`;
  document.getElementById("fabric").textContent = `${S.topo.fabric} (namespace ${S.topo.namespace})${note}`;
  draw();
  summary();
  bind();
  const m = location.hash.match(/^#device=(.+)$/);
  if (m) openDevice(decodeURIComponent(m[1]));
  if (d.watching) follow();
}

main();
