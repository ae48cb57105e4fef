/** One line, or one layer of stacked bars: a value (or a gap) for every x of its chart. */
export interface ChartSeries {
  key: string;
  label: string;
  values: (number | null)[];
  /** How its values read in the table view, when not as the chart's (a clock hour beside minutes). */
  format?: (value: number) => string;
}

/** What a chart and its table view both show: the points' starts (epoch ms), oldest first, and the series over them. */
export interface ChartData {
  x: number[];
  series: ChartSeries[];
}

/** How a chart over time places and words its points. */
export interface TimeAxis {
  /** What one point covers, in milliseconds: a bar's width; a line's point sits in its middle. */
  bucketMs: number;
  /** The points are UTC midnights standing for calendar days: ticks fall on UTC days, whatever the viewer's zone. */
  utc?: boolean;
  /** The table view's first column: "Time", "From", "Day". */
  heading: string;
  /** An axis label: "14:00", "25 Nov". */
  formatTick: (at: number) => string;
  /** A table row: when its point starts, as precisely as needed: "Tue 14:00", "Wed 25 Nov". */
  formatPoint: (at: number) => string;
}
