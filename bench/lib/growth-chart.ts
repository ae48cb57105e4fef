/**
 * The benchmark's growth chart: how each measured cost changes as the number of readers grows, as
 * one self-contained SVG string. Pure and dependency-free, so the report can be written from the
 * results alone and the same results always give the same file.
 */
export interface GrowthSeries {
  label: string;
  points: Array<{ readers: number; value: number }>;
}

export interface GrowthChartOptions {
  title: string;
  yLabel: string;
  width?: number;
  height?: number;
}

// Okabe–Ito, ordered so the first series get the colours that stand out most on white, and
// neighbours differ in hue (the orange would pass for the vermilion where lines meet); the yellow
// is last because it is hard to see as a thin line.
const PALETTE = ['#0072B2', '#D55E00', '#009E73', '#CC79A7', '#000000', '#56B4E9', '#E69F00', '#F0E442'];
// Past the palette, colours repeat; a different dash keeps those series apart.
const DASHES = ['', '6 4', '2 3', '8 3 2 3'];

const FONT = 'system-ui, sans-serif';
const GRID = '#e3e3e3';
const AXIS = '#767676';
const TEXT = '#222222';

const TITLE_BASELINE = 26;
const PLOT_TOP = 46;
const PLOT_LEFT = 76;
const PLOT_RIGHT_MARGIN = 24;
// Keeps the smallest and largest reader counts off the plot's edges, where their markers would be cut.
const X_INSET = 24;
const LEGEND_GAP = 58;
const LEGEND_ROW = 18;
const BOTTOM_MARGIN = 14;
const MIN_PLOT_HEIGHT = 120;
// Beyond this many decades the y labels would overlap; every decade keeps its gridline.
const MAX_Y_LABELS = 10;

const coordinate = (value: number) => String(Math.round(value * 10) / 10);

export function escapeXml(text: string): string {
  return text.replace(/[&<>"']/g, (character) => `&${{ '&': 'amp', '<': 'lt', '>': 'gt', '"': 'quot', "'": 'apos' }[character]};`);
}

/** 1000 -> "1k", 250000 -> "250k", 1000000 -> "1M"; plain below a thousand. */
export function formatReaders(readers: number): string {
  const compact = (unit: number) => Number((readers / unit).toPrecision(3));
  if (Math.abs(readers) < 1000) return String(readers);
  // 999999 rounds to 1000k, which reads better as 1M.
  if (Math.abs(readers) < 1e6 && Math.abs(compact(1000)) < 1000) return `${compact(1000)}k`;
  return `${compact(1e6)}M`;
}

/** Three significant digits, whole numbers from 100 up: enough to compare, short enough to read aloud. */
function formatValue(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  if (Math.abs(value) >= 100) return String(Math.round(value));
  return String(Number(value.toPrecision(3)));
}

function powerOfTenLabel(exponent: number): string {
  // toFixed keeps 0.01 from printing as 0.010000000000000002 or 1e-7.
  return exponent < 0 ? (10 ** exponent).toFixed(-exponent) : String(10 ** exponent);
}

// Math.log10(1000) is exactly 3 in V8, but values computed upstream may land a hair off a power of
// ten; snapping avoids a whole empty decade being added for 1000.0000000001.
const snappedLog10 = (value: number) => Math.round(Math.log10(value) * 1e9) / 1e9;

// A log axis has no place for zero or negative numbers (nor for NaN or infinities), so such points
// are left out of the drawing; the description still lists them so no measurement silently vanishes.
const isDrawable = (point: { readers: number; value: number }) =>
  Number.isFinite(point.readers) && point.readers > 0 && Number.isFinite(point.value) && point.value > 0;

const describePoint = (point: { readers: number; value: number }) => `${formatReaders(point.readers)} readers ${formatValue(point.value)}`;

export function growthChartSvg(series: GrowthSeries[], options: GrowthChartOptions): string {
  if (series.length === 0) throw new Error('growthChartSvg: no series to draw');
  const width = options.width ?? 720;
  const requestedHeight = options.height ?? 420;
  if (!(width > 0) || !(requestedHeight > 0)) throw new Error(`growthChartSvg: width and height must be positive (got ${width} x ${requestedHeight})`);

  // Colours follow the series' place in the input, not among the drawable ones, so a series keeps its
  // colour from one run to the next even when another had nothing to draw.
  const drawn = series
    .map((entry, index) => ({
      label: entry.label,
      colour: PALETTE[index % PALETTE.length]!,
      dash: DASHES[Math.floor(index / PALETTE.length) % DASHES.length]!,
      points: entry.points.filter(isDrawable).sort((a, b) => a.readers - b.readers),
    }))
    .filter((entry) => entry.points.length > 0);
  if (drawn.length === 0) {
    throw new Error('growthChartSvg: no drawable point (a log scale needs readers and values above zero)');
  }

  const allPoints = drawn.flatMap((entry) => entry.points);
  const readerTicks = [...new Set(allPoints.map((point) => point.readers))].sort((a, b) => a - b);
  const minReadersLog = Math.log10(readerTicks[0]!);
  const maxReadersLog = Math.log10(readerTicks.at(-1)!);
  const values = allPoints.map((point) => point.value);
  const lowestDecade = Math.floor(snappedLog10(Math.min(...values)));
  // A single decade has no height; the decade above gives the points room.
  const highestDecade = Math.max(lowestDecade + 1, Math.ceil(snappedLog10(Math.max(...values))));

  // The legend takes what it needs below the plot; a tall legend grows the picture rather than
  // squashing the plot to nothing.
  const legendHeight = LEGEND_GAP + (drawn.length - 1) * LEGEND_ROW + BOTTOM_MARGIN;
  const height = Math.max(requestedHeight, PLOT_TOP + MIN_PLOT_HEIGHT + legendHeight);
  const plotBottom = height - legendHeight;
  const plotRight = width - PLOT_RIGHT_MARGIN;
  const plotHeight = plotBottom - PLOT_TOP;

  const xOf = (readers: number) => {
    if (maxReadersLog === minReadersLog) return (PLOT_LEFT + plotRight) / 2;
    const share = (Math.log10(readers) - minReadersLog) / (maxReadersLog - minReadersLog);
    return PLOT_LEFT + X_INSET + share * (plotRight - PLOT_LEFT - 2 * X_INSET);
  };
  const yOf = (value: number) => plotBottom - ((Math.log10(value) - lowestDecade) / (highestDecade - lowestDecade)) * plotHeight;

  const parts: string[] = [];
  parts.push(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" role="img" aria-labelledby="growth-chart-title growth-chart-desc" font-family="${FONT}" font-size="12" fill="${TEXT}">`,
    `<title id="growth-chart-title">${escapeXml(options.title)}</title>`,
    `<desc id="growth-chart-desc">${escapeXml(describeChart(series, options))}</desc>`,
    `<rect x="0" y="0" width="${width}" height="${height}" fill="#ffffff"/>`,
    `<text x="${coordinate(width / 2)}" y="${TITLE_BASELINE}" text-anchor="middle" font-size="16" font-weight="600">${escapeXml(options.title)}</text>`,
  );

  parts.push('<g class="y-axis">');
  const labelEvery = Math.ceil((highestDecade - lowestDecade + 1) / MAX_Y_LABELS);
  for (let exponent = lowestDecade; exponent <= highestDecade; exponent += 1) {
    const y = coordinate(yOf(10 ** exponent));
    parts.push(`<line x1="${PLOT_LEFT}" y1="${y}" x2="${plotRight}" y2="${y}" stroke="${GRID}" stroke-width="1"/>`);
    if ((exponent - lowestDecade) % labelEvery === 0) {
      parts.push(`<text x="${PLOT_LEFT - 8}" y="${y}" text-anchor="end" dominant-baseline="middle">${powerOfTenLabel(exponent)}</text>`);
    }
  }
  const yLabelX = 18;
  const yLabelY = coordinate((PLOT_TOP + plotBottom) / 2);
  parts.push(
    `<text x="${yLabelX}" y="${yLabelY}" text-anchor="middle" transform="rotate(-90 ${yLabelX} ${yLabelY})">${escapeXml(options.yLabel)}</text>`,
    '</g>',
  );

  parts.push('<g class="x-axis">');
  for (const readers of readerTicks) {
    const x = coordinate(xOf(readers));
    parts.push(
      `<line x1="${x}" y1="${PLOT_TOP}" x2="${x}" y2="${plotBottom}" stroke="${GRID}" stroke-width="1"/>`,
      `<text x="${x}" y="${plotBottom + 18}" text-anchor="middle">${formatReaders(readers)}</text>`,
    );
  }
  parts.push(
    `<text x="${coordinate((PLOT_LEFT + plotRight) / 2)}" y="${plotBottom + 38}" text-anchor="middle">readers (log scale)</text>`,
    '</g>',
    `<rect x="${PLOT_LEFT}" y="${PLOT_TOP}" width="${plotRight - PLOT_LEFT}" height="${plotHeight}" fill="none" stroke="${AXIS}" stroke-width="1"/>`,
  );

  for (const entry of drawn) {
    const dash = entry.dash ? ` stroke-dasharray="${entry.dash}"` : '';
    const label = escapeXml(entry.label);
    parts.push(
      `<g class="series" stroke="${entry.colour}" fill="${entry.colour}">`,
      `<polyline points="${entry.points.map((point) => `${coordinate(xOf(point.readers))},${coordinate(yOf(point.value))}`).join(' ')}" fill="none" stroke-width="2" stroke-linejoin="round"${dash}/>`,
      ...entry.points.map(
        (point) =>
          `<circle cx="${coordinate(xOf(point.readers))}" cy="${coordinate(yOf(point.value))}" r="3.5"><title>${label}: ${escapeXml(describePoint(point))}</title></circle>`,
      ),
      '</g>',
    );
  }

  parts.push('<g class="legend">');
  drawn.forEach((entry, row) => {
    const y = plotBottom + LEGEND_GAP + row * LEGEND_ROW;
    const dash = entry.dash ? ` stroke-dasharray="${entry.dash}"` : '';
    parts.push(
      `<line x1="${PLOT_LEFT}" y1="${y}" x2="${PLOT_LEFT + 28}" y2="${y}" stroke="${entry.colour}" stroke-width="2"${dash}/>`,
      `<circle cx="${PLOT_LEFT + 14}" cy="${y}" r="3.5" fill="${entry.colour}"/>`,
      `<text x="${PLOT_LEFT + 36}" y="${y}" dominant-baseline="middle">${escapeXml(entry.label)}</text>`,
    );
  });
  parts.push('</g>', '</svg>');
  return `${parts.join('\n')}\n`;
}

/** The chart in words, so a screen reader (or someone reading the file) gets every number. */
function describeChart(series: readonly GrowthSeries[], options: GrowthChartOptions): string {
  const lines = series.map((entry) => {
    const drawable = entry.points.filter(isDrawable).sort((a, b) => a.readers - b.readers);
    const skipped = entry.points.filter((point) => !isDrawable(point));
    if (entry.points.length === 0) return `${entry.label}: no measurements`;
    const shown = drawable.length > 0 ? drawable.map(describePoint).join(', ') : 'nothing drawn';
    const left = skipped.length > 0 ? ` (not drawn, a log scale needs values above zero: ${skipped.map(describePoint).join(', ')})` : '';
    return `${entry.label}: ${shown}${left}`;
  });
  return `${options.title}. Readers on a log scale across, ${options.yLabel} up. ${lines.join('. ')}.`;
}
