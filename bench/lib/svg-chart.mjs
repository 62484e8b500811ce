// A line chart as a standalone SVG string: a few series over one x axis, each on its own
// y scale (drawn as a panel of its own), so RSS in MB and event-loop delay in ms share one
// picture without one flattening the other. Written here because it is 80 lines and the
// bench must add no dependency.

const esc = (s) => String(s).replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]);

/** Round numbers for an axis from 0 (or the lowest value if negative) to at least `max`. */
function ticks(min, max, count = 4) {
  const span = Math.max(max - min, 1e-9);
  const raw = span / count;
  const step = [1, 2, 2.5, 5, 10].map((m) => m * 10 ** Math.floor(Math.log10(raw))).find((s) => s >= raw);
  const out = [];
  for (let v = Math.floor(min / step) * step; v <= max + step * 0.999; v += step) out.push(Number(v.toPrecision(12)));
  return out;
}

/**
 * panels: [{ title, unit, note?, height?, series: [{ name, color, points: [[x, y], …] }], levels? }]; x in the
 * same unit for all (minutes). `marker` draws a dashed vertical line (the end of the warm-up);
 * `bands` [{ from, to, label }] shade x ranges in every panel (the windows growth compares);
 * a panel's `levels` [{ from, to, y, color }] are dashed horizontal segments (a window's median).
 */
export function lineChartSvg({ title, xLabel, panels, marker, bands = [], width = 860, panelHeight = 180 }) {
  const left = 64;
  const right = 16;
  const top = 36;
  const gap = 62;
  const plotW = width - left - right;
  // A panel may be shorter (`height`) than the others.
  const heights = panels.map((p) => p.height ?? panelHeight);
  const offsets = heights.map((_, i) => heights.slice(0, i).reduce((a, h) => a + h + gap, 0));
  const height = top + offsets.at(-1) + heights.at(-1) + gap + 26;
  const xs = panels.flatMap((p) => p.series.flatMap((s) => s.points.map(([x]) => x)));
  const xMax = Math.max(...xs, 1);
  const xTicks = ticks(0, xMax, 6);
  const sx = (x) => left + (x / xTicks.at(-1)) * plotW;
  const parts = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="11">`,
    `<rect width="100%" height="100%" fill="#fff"/>`,
    `<text x="${left}" y="20" font-size="14" font-weight="bold">${esc(title)}</text>`,
  ];
  panels.forEach((panel, i) => {
    const y0 = top + offsets[i] + 30;
    const panelHeight = heights[i];
    const values = panel.series.flatMap((s) => s.points.map(([, y]) => y)).filter(Number.isFinite);
    const yTicks = ticks(Math.min(0, ...values), Math.max(...values, 0) * 1.05 || 1);
    const yMin = yTicks[0];
    const yMax = yTicks.at(-1);
    const sy = (y) => y0 + panelHeight - ((y - yMin) / (yMax - yMin)) * panelHeight;
    parts.push(
      `<text x="${left}" y="${y0 - 20}"><tspan font-weight="bold">${esc(panel.title)} (${esc(panel.unit)})</tspan>${panel.note ? `  ${esc(panel.note)}` : ''}</text>`,
    );
    // The legend on one line between the title and the plot, so it never covers a line.
    let lx = left;
    for (const s of panel.series) {
      parts.push(
        `<rect x="${lx}" y="${y0 - 13}" width="12" height="4" fill="${s.color}"/><text x="${lx + 16}" y="${y0 - 7}">${esc(s.name)}</text>`,
      );
      lx += 16 + 5.9 * s.name.length + 16;
    }
    for (const b of bands)
      parts.push(
        `<rect x="${sx(b.from)}" y="${y0}" width="${sx(b.to) - sx(b.from)}" height="${panelHeight}" fill="#f2f2f2"/>` +
          (i === 0
            ? `<text x="${(sx(b.from) + sx(b.to)) / 2}" y="${y0 + panelHeight - 5}" text-anchor="middle" fill="#888">${esc(b.label)}</text>`
            : ''),
      );
    for (const t of yTicks)
      parts.push(
        `<line x1="${left}" x2="${left + plotW}" y1="${sy(t)}" y2="${sy(t)}" stroke="#e4e4e4"/><text x="${left - 6}" y="${sy(t) + 4}" text-anchor="end">${t}</text>`,
      );
    for (const t of xTicks)
      parts.push(`<text x="${sx(t)}" y="${y0 + panelHeight + 14}" text-anchor="middle">${t}</text>`);
    parts.push(`<rect x="${left}" y="${y0}" width="${plotW}" height="${panelHeight}" fill="none" stroke="#999"/>`);
    if (marker !== undefined)
      parts.push(
        `<line x1="${sx(marker.x)}" x2="${sx(marker.x)}" y1="${y0}" y2="${y0 + panelHeight}" stroke="#888" stroke-dasharray="4 3"/><text x="${sx(marker.x) + 4}" y="${y0 + 12}" fill="#666">${esc(marker.label)}</text>`,
      );
    for (const l of panel.levels ?? [])
      if (Number.isFinite(l.y))
        parts.push(
          `<line x1="${sx(l.from)}" x2="${sx(l.to)}" y1="${sy(l.y).toFixed(1)}" y2="${sy(l.y).toFixed(1)}" stroke="${l.color}" stroke-width="1.5" stroke-dasharray="6 3"/>`,
        );
    panel.series.forEach((s) => {
      const pts = s.points.filter(([, y]) => Number.isFinite(y));
      if (pts.length)
        parts.push(
          `<polyline fill="none" stroke="${s.color}" stroke-width="1.8" points="${pts.map(([x, y]) => `${sx(x).toFixed(1)},${sy(y).toFixed(1)}`).join(' ')}"/>`,
        );
      for (const [x, y] of pts)
        parts.push(`<circle cx="${sx(x).toFixed(1)}" cy="${sy(y).toFixed(1)}" r="2" fill="${s.color}"/>`);
    });
  });
  parts.push(`<text x="${left + plotW / 2}" y="${height - 4}" text-anchor="middle">${esc(xLabel)}</text>`, '</svg>');
  return parts.join('\n') + '\n';
}
