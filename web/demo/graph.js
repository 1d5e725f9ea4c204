// The pipeline's graph as SVG: columns by depth (the longest path from a source), rows in manifest
// order. A manifest with a cycle is refused by the runtime (with its error), but the page still
// draws what was written: the edges that close a cycle are back edges, bending below the nodes.

const W = 150, H = 48, GX = 60, GY = 22, PAD = 12, BACK = 34;
const esc = (s) => String(s).replace(/[&<>"]/g, (ch) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" })[ch]);

/** Edges split into forward ones (a DAG) and the back edges a depth-first walk meets. */
function splitEdges(ids, edges) {
  const out = new Map(ids.map((id) => [id, []]));
  for (const e of edges) out.get(e.from).push(e);
  const state = new Map();  // id -> "open" while on the walk's path, "done" after
  const back = new Set();
  const visit = (id) => {
    state.set(id, "open");
    for (const e of out.get(id)) {
      if (state.get(e.to) === "open") back.add(e);
      else if (!state.has(e.to)) visit(e.to);
    }
    state.set(id, "done");
  };
  for (const id of ids) if (!state.has(id)) visit(id);
  return { forward: edges.filter((e) => !back.has(e)), back: [...back] };
}

/** SVG text for the manifest's graph, or null when it has no nodes to draw. */
export function graphSvg(manifest) {
  const nodes = Array.isArray(manifest?.nodes) ? manifest.nodes.filter((n) => n && typeof n.id === "string") : [];
  if (nodes.length === 0) return null;
  const ids = [...new Set(nodes.map((n) => n.id))];
  const known = new Set(ids);
  const listed = manifest?.connections ?? manifest?.edges;
  const edges = (Array.isArray(listed) ? listed : []).filter((e) => e && known.has(e.from) && known.has(e.to));
  const { forward, back } = splitEdges(ids, edges);
  const depth = new Map();
  const depthOf = (id) => {
    if (!depth.has(id)) depth.set(id, Math.max(0, ...forward.filter((e) => e.to === id).map((e) => depthOf(e.from) + 1)));
    return depth.get(id);
  };
  const columns = Array.from({ length: Math.max(...ids.map(depthOf)) + 1 }, () => []);
  for (const id of ids) columns[depthOf(id)].push(id);
  const pos = new Map();
  columns.forEach((col, c) => col.forEach((id, r) => pos.set(id, { x: PAD + c * (W + GX), y: PAD + r * (H + GY) })));
  const width = PAD * 2 + columns.length * (W + GX) - GX;
  const rowsHeight = PAD * 2 + Math.max(...columns.map((c) => c.length)) * (H + GY) - GY;
  const height = rowsHeight + (back.length ? BACK : 0);
  let svg = `<svg viewBox="0 0 ${width} ${height}" role="img" aria-label="pipeline graph">
    <defs><marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse">
    <path d="M0,0 L10,5 L0,10 z" fill="#8d96ab"/></marker></defs>`;
  for (const e of forward) {
    const a = pos.get(e.from), b = pos.get(e.to);
    const x1 = a.x + W, y1 = a.y + H / 2, x2 = b.x, y2 = b.y + H / 2, mx = (x1 + x2) / 2;
    svg += `<path class="edge" d="M${x1},${y1} C${mx},${y1} ${mx},${y2} ${x2 - 2},${y2}"/>`;
  }
  for (const e of back) {
    const a = pos.get(e.from), b = pos.get(e.to), low = rowsHeight + BACK - 8;
    const x1 = a.x + W * 0.65, x2 = b.x + W * 0.35;
    svg += `<path class="edge back" d="M${x1},${a.y + H} C${x1},${low} ${x2},${low} ${x2},${b.y + H + 2}"/>`;
  }
  for (const n of nodes) {
    const p = pos.get(n.id);
    svg += `<g class="node" data-id="${esc(n.id)}"><rect x="${p.x}" y="${p.y}" width="${W}" height="${H}"/>
      <text x="${p.x + W / 2}" y="${p.y + 20}">${esc(n.id)}</text>
      <text class="type" x="${p.x + W / 2}" y="${p.y + 37}">${esc(n.node_type ?? n.type ?? "?")}</text></g>`;
  }
  return svg + "</svg>";
}
