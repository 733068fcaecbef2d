// manager-charts.js: the small charts of the manager's Live tab, drawn as
// inline SVG by the page itself (no library, nothing from outside): bars
// of a figure per hour, or a line through them. A chart is drawn at the
// width its box has now, so that its words keep their size on every
// screen; the caller draws it again when the box changes size.
//
//	box.replaceChildren(hourChart({ kind: "bars", width: box.clientWidth,
//	  points: [{ hour: "09", value: 12 }, …], unit: "tickets", label: (v) => String(v) }));

const NS = "http://www.w3.org/2000/svg";
const HEIGHT = 190;
const PAD = { left: 44, right: 12, top: 24, bottom: 34 };

function svg(tag, attrs = {}, text) {
  const e = document.createElementNS(NS, tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, String(v));
  if (text !== undefined) e.textContent = text;
  return e;
}

// niceMax is four round steps at or above max, so that the axis reads
// 0, 10, 20, 30, 40.
function niceMax(max) {
  if (!(max > 0)) return 4;
  const quarter = max / 4;
  const p = 10 ** Math.floor(Math.log10(quarter));
  for (const m of [1, 2, 5, 10]) if (m * p >= quarter) return 4 * m * p;
  return 40 * p;
}

/**
 * hourChart draws points (one per hour, in order) as bars or a line.
 *
 * @param {object} spec
 * @param {"bars"|"line"} spec.kind
 * @param {number} spec.width the box's width in CSS pixels
 * @param {Array<{hour: string, value: number|null}>} spec.points null: no figure that hour
 * @param {string} spec.unit the y axis's unit ("tickets", "min")
 * @param {string} spec.hourWord the x axis's name ("hour")
 * @param {string} spec.title the chart's name, for a screen reader
 * @param {(v: number) => string} [spec.label] a value as written on a bar or point
 * @returns {SVGSVGElement}
 */
export function hourChart({ kind, width, points, unit, hourWord, title, label = (v) => String(v) }) {
  const w = Math.max(260, Math.floor(width || 480));
  const s = svg("svg", { class: `mchart mchart-${kind}`, width: w, height: HEIGHT, viewBox: `0 0 ${w} ${HEIGHT}`, role: "img", "aria-label": title });
  s.append(svg("title", {}, title));
  const plotW = w - PAD.left - PAD.right;
  const plotH = HEIGHT - PAD.top - PAD.bottom;
  const values = points.map((p) => p.value).filter((v) => Number.isFinite(v));
  const top = niceMax(Math.max(0, ...values));
  const y = (v) => PAD.top + plotH - (v / top) * plotH;
  const step = points.length ? plotW / points.length : plotW;
  const x = (i) => PAD.left + step * i + step / 2;

  // The y axis: four lines across, with their values, and the unit on top.
  const grid = svg("g", { class: "mchart-grid" });
  for (let i = 0; i <= 4; i++) {
    const v = (top / 4) * i;
    grid.append(svg("line", { x1: PAD.left, x2: w - PAD.right, y1: y(v), y2: y(v) }));
    grid.append(svg("text", { x: PAD.left - 6, y: y(v) + 4, "text-anchor": "end" }, label(Math.round(v * 100) / 100)));
  }
  grid.append(svg("text", { x: 4, y: 12, class: "mchart-unit" }, unit));
  s.append(grid);

  // The x axis: every hour, or every other one when they are crowded.
  const axis = svg("g", { class: "mchart-axis" });
  axis.append(svg("line", { x1: PAD.left, x2: w - PAD.right, y1: y(0), y2: y(0) }));
  const every = step < 22 ? 2 : 1;
  points.forEach((p, i) => {
    if (i % every === 0) axis.append(svg("text", { x: x(i), y: HEIGHT - PAD.bottom + 16, "text-anchor": "middle" }, p.hour));
  });
  axis.append(svg("text", { x: w - PAD.right, y: HEIGHT - 3, "text-anchor": "end", class: "mchart-unit" }, hourWord));
  s.append(axis);

  const marks = svg("g", { class: "mchart-marks" });
  if (kind === "bars") {
    const bw = Math.max(3, Math.min(36, step * 0.7));
    points.forEach((p, i) => {
      if (!Number.isFinite(p.value)) return;
      const bar = svg("rect", { x: x(i) - bw / 2, y: y(p.value), width: bw, height: Math.max(0, y(0) - y(p.value)), rx: 2, "data-hour": p.hour });
      bar.append(svg("title", {}, `${p.hour}: ${label(p.value)} ${unit}`));
      marks.append(bar);
      if (p.value > 0 && bw >= 14) marks.append(svg("text", { x: x(i), y: y(p.value) - 4, "text-anchor": "middle", class: "mchart-value" }, label(p.value)));
    });
  } else {
    // A line through the hours that have a figure; an hour without one
    // breaks it.
    let d = "";
    let pen = false;
    points.forEach((p, i) => {
      if (!Number.isFinite(p.value)) {
        pen = false;
        return;
      }
      d += `${pen ? "L" : "M"}${x(i).toFixed(1)} ${y(p.value).toFixed(1)} `;
      pen = true;
    });
    if (d) marks.append(svg("path", { d: d.trim(), class: "mchart-path" }));
    points.forEach((p, i) => {
      if (!Number.isFinite(p.value)) return;
      const dot = svg("circle", { cx: x(i), cy: y(p.value), r: 3.5, "data-hour": p.hour });
      dot.append(svg("title", {}, `${p.hour}: ${label(p.value)} ${unit}`));
      marks.append(dot);
      if (step >= 24) marks.append(svg("text", { x: x(i), y: y(p.value) - 7, "text-anchor": "middle", class: "mchart-value" }, label(p.value)));
    });
  }
  s.append(marks);
  return s;
}
