import { AxisBottom, AxisLeft } from '@visx/axis';
import { Group } from '@visx/group';
import { scaleLinear, scaleTime, scaleUtc } from '@visx/scale';
import { LinePath } from '@visx/shape';
import type { ChartData, TimeAxis } from '@/components/charts/chart-data';
import { seriesStyle } from '@/components/charts/series-style';
import { useElementWidth } from '@/hooks/use-element-width';

/** Lines (one per series) or bars stacked per bucket. */
export type TimeChartKind = 'line' | 'bar';

interface TimeChartProps {
  data: ChartData;
  kind: TimeChartKind;
  axis: TimeAxis;
  formatValue: (value: number) => string;
  /** The chart's accessible name. */
  label: string;
  /** The id of the sentence that says what it shows. */
  describedBy: string;
}

const HEIGHT = 220;
const MARGIN = { top: 12, right: 16, bottom: 28, left: 64 };
const AXIS_COLOR = '#8d86b8';
const LABEL_COLOR = '#c4bfe3';
const GRID_COLOR = '#2e2470';
const tickLabels = { fill: LABEL_COLOR, fontSize: 11 };

const sum = (values: readonly (number | null | undefined)[]) => values.reduce<number>((total, value) => total + (value ?? 0), 0);

/** A point with no neighbour to draw a line to, which gets a dot so it shows at all. */
const isolated = (values: readonly (number | null)[], i: number) => values[i] != null && values[i - 1] == null && values[i + 1] == null;

/**
 * A chart over time (visx: SVG drawn by React). One image to assistive technology, named and
 * described by the card's title and summary; its figures are in the card's table view.
 */
export function TimeChart({ data, kind, axis, formatValue, label, describedBy }: TimeChartProps) {
  const [container, width] = useElementWidth<HTMLDivElement>(640);
  const innerWidth = Math.max(0, width - MARGIN.left - MARGIN.right);
  const innerHeight = HEIGHT - MARGIN.top - MARGIN.bottom;
  const bucket = axis.bucketMs;
  const first = data.x[0] ?? 0;
  const last = data.x.at(-1) ?? first;

  const timeScale = { domain: [new Date(first), new Date(last + bucket)], range: [0, innerWidth] };
  const x = axis.utc ? scaleUtc(timeScale) : scaleTime(timeScale);
  const top =
    kind === 'bar'
      ? Math.max(0, ...data.x.map((_, i) => sum(data.series.map((series) => series.values[i]))))
      : Math.max(0, ...data.series.flatMap((series) => series.values.map((value) => value ?? 0)));
  const y = scaleLinear({ domain: [0, top > 0 ? top : 1], range: [innerHeight, 0], nice: true });
  const middle = (at: number) => x(new Date(at + bucket / 2));

  return (
    <div ref={container} className="w-full">
      <svg role="img" aria-label={label} aria-describedby={describedBy} width={width} height={HEIGHT} className="block max-w-full">
        <Group left={MARGIN.left} top={MARGIN.top}>
          {y.ticks(4).map((tick) => (
            <line key={tick} x1={0} x2={innerWidth} y1={y(tick)} y2={y(tick)} stroke={GRID_COLOR} />
          ))}
          {kind === 'bar'
            ? data.x.map((at, i) => {
                const left = x(new Date(at));
                const barWidth = Math.max(1, x(new Date(at + bucket)) - left - 1);
                let base = 0;
                return data.series.map((series, s) => {
                  const value = series.values[i] ?? 0;
                  const from = base;
                  base += value;
                  if (value <= 0) return null;
                  return <rect key={`${at}-${series.key}`} x={left} y={y(base)} width={barWidth} height={y(from) - y(base)} fill={seriesStyle(s).color} />;
                });
              })
            : data.series.map((series, s) => {
                const { color, dash } = seriesStyle(s);
                const points = data.x.map((at, i) => ({ at, value: series.values[i] ?? null }));
                return (
                  <g key={series.key}>
                    <LinePath
                      data={points}
                      x={(point) => middle(point.at)}
                      y={(point) => y(point.value ?? 0)}
                      defined={(point) => point.value !== null}
                      stroke={color}
                      strokeWidth={2}
                      strokeDasharray={dash}
                      fill="none"
                    />
                    {points.map((point, i) =>
                      isolated(series.values, i) ? <circle key={point.at} cx={middle(point.at)} cy={y(point.value ?? 0)} r={3} fill={color} /> : null,
                    )}
                  </g>
                );
              })}
          <AxisLeft
            scale={y}
            numTicks={4}
            stroke={AXIS_COLOR}
            tickStroke={AXIS_COLOR}
            tickLabelProps={tickLabels}
            tickFormat={(value) => formatValue(Number(value))}
          />
          <AxisBottom
            top={innerHeight}
            scale={x}
            numTicks={width < 480 ? 3 : 6}
            stroke={AXIS_COLOR}
            tickStroke={AXIS_COLOR}
            tickLabelProps={tickLabels}
            tickFormat={(value) => axis.formatTick(Number(value))}
          />
        </Group>
      </svg>
    </div>
  );
}
