import { describe, expect, test } from 'vitest';
import { formatReaders, growthChartSvg, type GrowthSeries } from '../growth-chart.ts';

const OPTIONS = { title: 'Time in PostgreSQL as readers grow', yLabel: 'milliseconds (log scale)' };

const SERIES: GrowthSeries[] = [
  {
    label: 'Readers page, project',
    points: [
      { readers: 1000, value: 0.12 },
      { readers: 10000, value: 0.15 },
      { readers: 100000, value: 0.2 },
    ],
  },
  {
    label: 'Readers page, seed (fetchAllReaders)',
    points: [
      { readers: 1000, value: 4 },
      { readers: 10000, value: 45 },
      { readers: 100000, value: 3000 },
    ],
  },
  {
    label: 'Status of 100 readers, project',
    points: [
      { readers: 1000, value: 0.05 },
      { readers: 10000, value: 0.06 },
      { readers: 100000, value: 0.07 },
    ],
  },
];

/**
 * Node has no DOMParser, so this is a small well-formedness check: every tag closes in order,
 * attributes are quoted, and no raw `<` or stray `&` sits in text or attribute values. Returns the
 * root element's name.
 */
function assertWellFormedXml(xml: string): string {
  const tag = /<(\/?)([A-Za-z][\w:.-]*)((?:\s+[\w:.-]+="[^"<]*")*)\s*(\/?)>/y;
  const strayAmpersand = /&(?!(?:amp|lt|gt|quot|apos|#\d+|#x[0-9a-fA-F]+);)/;
  const open: string[] = [];
  let root: string | undefined;
  let position = 0;
  while (position < xml.length) {
    if (xml[position] !== '<') {
      const next = xml.indexOf('<', position);
      const text = xml.slice(position, next === -1 ? xml.length : next);
      if (strayAmpersand.test(text)) throw new Error(`stray & in text: ${JSON.stringify(text)}`);
      if (open.length === 0 && text.trim() !== '') throw new Error(`text outside the root: ${JSON.stringify(text)}`);
      position = next === -1 ? xml.length : next;
      continue;
    }
    tag.lastIndex = position;
    const match = tag.exec(xml);
    if (!match) throw new Error(`malformed tag at ${position}: ${JSON.stringify(xml.slice(position, position + 60))}`);
    const [whole, closing, name, attributes, selfClosing] = match;
    if (strayAmpersand.test(attributes!)) throw new Error(`stray & in attributes of <${name}>`);
    const attributeNames = [...attributes!.matchAll(/([\w:.-]+)=/g)].map((found) => found[1]);
    if (new Set(attributeNames).size !== attributeNames.length) throw new Error(`repeated attribute in <${name}>`);
    if (closing) {
      const expected = open.pop();
      if (expected !== name) throw new Error(`</${name}> closes <${expected}>`);
    } else {
      if (open.length === 0) {
        if (root !== undefined) throw new Error(`second root element <${name}>`);
        root = name;
      }
      if (!selfClosing) open.push(name!);
    }
    position += whole.length;
  }
  if (open.length > 0) throw new Error(`unclosed: ${open.join(' > ')}`);
  if (root === undefined) throw new Error('no root element');
  return root;
}

function seriesGroups(svg: string): string[] {
  return [...svg.matchAll(/<g class="series"[^>]*>([\s\S]*?)<\/g>/g)].map((match) => match[0]);
}

function polylinePoints(group: string): Array<{ x: number; y: number }> {
  const points = /<polyline points="([^"]*)"/.exec(group)?.[1];
  if (points === undefined) throw new Error('series without a polyline');
  return points.split(' ').map((pair) => {
    const [x, y] = pair.split(',').map(Number);
    return { x: x!, y: y! };
  });
}

const textContents = (svg: string) => [...svg.matchAll(/<text[^>]*>([^<]*)<\/text>/g)].map((match) => match[1]);

describe('growthChartSvg', () => {
  test('is one well-formed, accessible svg element on a white background', () => {
    const svg = growthChartSvg(SERIES, OPTIONS);

    expect(assertWellFormedXml(svg)).toBe('svg');
    expect(svg).toMatch(/^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg"[^>]* role="img"/);
    expect(svg).toContain('<title id="growth-chart-title">Time in PostgreSQL as readers grow</title>');
    expect(svg).toMatch(/<desc id="growth-chart-desc">[^<]+<\/desc>/);
    expect(svg).toMatch(/<rect x="0" y="0" width="720" height="420" fill="#ffffff"\/>/);
    expect(svg).toContain('font-family="system-ui, sans-serif"');
    expect(svg).not.toMatch(/NaN|Infinity|undefined/);
  });

  test('draws one polyline per series, a marker per point, each series in its own colour', () => {
    const svg = growthChartSvg(SERIES, OPTIONS);
    const groups = seriesGroups(svg);

    expect(groups).toHaveLength(3);
    for (const group of groups) {
      expect(group.match(/<polyline /g)).toHaveLength(1);
      expect(polylinePoints(group)).toHaveLength(3);
      expect(group.match(/<circle /g)).toHaveLength(3);
    }
    const colours = groups.map((group) => /stroke="(#[0-9A-Fa-f]{6})"/.exec(group)?.[1]);
    expect(new Set(colours).size).toBe(3);
  });

  test('places more readers further right, even when points arrive out of order', () => {
    const svg = growthChartSvg(
      [
        {
          label: 'shuffled',
          points: [
            { readers: 100000, value: 1 },
            { readers: 1000, value: 1 },
            { readers: 10000, value: 1 },
          ],
        },
      ],
      OPTIONS,
    );
    const xs = polylinePoints(seriesGroups(svg)[0]!).map((point) => point.x);

    expect(xs[0]).toBeLessThan(xs[1]!);
    expect(xs[1]).toBeLessThan(xs[2]!);
    // Log scale: each tenfold step is the same distance.
    expect(xs[2]! - xs[1]!).toBeCloseTo(xs[1]! - xs[0]!, 0);
  });

  test('draws a larger value higher up, within a series and across series', () => {
    const svg = growthChartSvg(SERIES, OPTIONS);
    const [project, seed, status] = seriesGroups(svg).map(polylinePoints);

    const seedYs = seed!.map((point) => point.y);
    expect(seedYs[0]).toBeGreaterThan(seedYs[1]!);
    expect(seedYs[1]).toBeGreaterThan(seedYs[2]!);
    // At 100k readers: 3000 (seed) above 0.2 (project) above 0.07 (status).
    expect(seed![2]!.y).toBeLessThan(project![2]!.y);
    expect(project![2]!.y).toBeLessThan(status![2]!.y);
  });

  test('labels reader ticks in thousands and millions and value ticks at powers of ten covering the data', () => {
    const labels = textContents(growthChartSvg(SERIES, OPTIONS));

    expect(labels).toEqual(expect.arrayContaining(['1k', '10k', '100k']));
    // 0.05 to 3000 needs 0.01 up to 10000, and nothing beyond.
    expect(labels).toEqual(expect.arrayContaining(['0.01', '0.1', '1', '10', '100', '1000', '10000']));
    expect(labels).not.toContain('0.001');
    expect(labels).not.toContain('100000');

    const wide = textContents(
      growthChartSvg(
        [
          {
            label: 'wide',
            points: [
              { readers: 500, value: 1 },
              { readers: 1_000_000, value: 2 },
            ],
          },
        ],
        OPTIONS,
      ),
    );
    expect(wide).toEqual(expect.arrayContaining(['500', '1M']));
  });

  test('formats reader counts compactly', () => {
    expect(formatReaders(500)).toBe('500');
    expect(formatReaders(1000)).toBe('1k');
    expect(formatReaders(2500)).toBe('2.5k');
    expect(formatReaders(100000)).toBe('100k');
    expect(formatReaders(999_999)).toBe('1M');
    expect(formatReaders(1_000_000)).toBe('1M');
  });

  test('escapes markup in every piece of text and never writes it raw', () => {
    const nasty = `Scan <&> "all" 'rows'`;
    const svg = growthChartSvg([{ label: nasty, points: [{ readers: 1000, value: 1 }] }], { title: 'A & B < C', yLabel: 'ms > 0' });

    expect(assertWellFormedXml(svg)).toBe('svg');
    expect(svg).not.toContain('<&>');
    expect(svg).not.toContain(nasty);
    const escaped = 'Scan &lt;&amp;&gt; &quot;all&quot; &apos;rows&apos;';
    expect(textContents(svg)).toContain(escaped);
    expect(svg).toContain(`<title id="growth-chart-title">A &amp; B &lt; C</title>`);
    expect(svg).toContain('ms &gt; 0');
  });

  test('leaves out points a log scale cannot show, and series with none left', () => {
    const svg = growthChartSvg(
      [
        {
          label: 'partly zero',
          points: [
            { readers: 1000, value: 0 },
            { readers: 10000, value: 2 },
            { readers: 100000, value: -1 },
            { readers: 1e6, value: 3 },
          ],
        },
        { label: 'all zero', points: [{ readers: 1000, value: 0 }] },
        {
          label: 'zero readers',
          points: [
            { readers: 0, value: 5 },
            { readers: 1000, value: 1 },
          ],
        },
      ],
      OPTIONS,
    );
    const groups = seriesGroups(svg);

    expect(groups).toHaveLength(2);
    expect(polylinePoints(groups[0]!)).toHaveLength(2);
    expect(polylinePoints(groups[1]!)).toHaveLength(1);
    const legend = /<g class="legend">([\s\S]*?)<\/g>/.exec(svg)![1]!;
    expect(textContents(legend)).toEqual(['partly zero', 'zero readers']);
    expect(svg).not.toMatch(/NaN|Infinity/);
    // The skipped measurements are still reported in words.
    expect(svg).toContain('partly zero: 10k readers 2, 1M readers 3 (not drawn, a log scale needs values above zero: 1k readers 0, 100k readers -1)');
  });

  test('throws when there is nothing to draw', () => {
    expect(() => growthChartSvg([], OPTIONS)).toThrow(/no series/);
    expect(() => growthChartSvg([{ label: 'empty', points: [] }], OPTIONS)).toThrow(/no drawable point/);
    expect(() => growthChartSvg([{ label: 'zeros', points: [{ readers: 1000, value: 0 }] }], OPTIONS)).toThrow(/no drawable point/);
  });

  test('describes every point in words', () => {
    const desc = /<desc[^>]*>([^<]*)<\/desc>/.exec(growthChartSvg(SERIES, OPTIONS))![1]!;

    expect(desc).toContain('Readers page, project: 1k readers 0.12, 10k readers 0.15, 100k readers 0.2');
    expect(desc).toContain('Readers page, seed (fetchAllReaders): 1k readers 4, 10k readers 45, 100k readers 3000');
    expect(desc).toContain('Status of 100 readers, project: 1k readers 0.05, 10k readers 0.06, 100k readers 0.07');
  });

  test('gives the same string for the same input, with coordinates at one decimal at most', () => {
    const svg = growthChartSvg(SERIES, OPTIONS);

    expect(growthChartSvg(structuredClone(SERIES), { ...OPTIONS })).toBe(svg);
    const numbers = [...svg.matchAll(/ (?:x|y|x1|y1|x2|y2|cx|cy)="([^"]*)"/g)].map((match) => match[1]!);
    const polylineNumbers = seriesGroups(svg).flatMap((group) => polylinePoints(group).flatMap(({ x, y }) => [String(x), String(y)]));
    for (const number of [...numbers, ...polylineNumbers]) expect(number).toMatch(/^-?\d+(\.\d)?$/);
  });

  test('honours a custom size and keeps a single point inside the plot', () => {
    const svg = growthChartSvg([{ label: 'one', points: [{ readers: 5000, value: 10 }] }], { ...OPTIONS, width: 400, height: 300 });
    const [point] = polylinePoints(seriesGroups(svg)[0]!);

    expect(svg).toContain('viewBox="0 0 400 300"');
    expect(point!.x).toBeGreaterThan(0);
    expect(point!.x).toBeLessThan(400);
    expect(point!.y).toBeGreaterThan(0);
    expect(point!.y).toBeLessThan(300);
    expect(textContents(svg)).toEqual(expect.arrayContaining(['5k', '10', '100']));
  });
});
