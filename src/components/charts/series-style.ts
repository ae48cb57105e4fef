/**
 * How the series of one chart are told apart: a colour that keeps 3:1 against the night
 * background, and a dash pattern for lines, so a second line never differs by colour alone (the
 * legend shows both, and the table view names every value).
 */
export interface SeriesStyle {
  color: string;
  /** SVG stroke-dasharray; undefined for a solid line. */
  dash: string | undefined;
}

const STYLES: SeriesStyle[] = [
  { color: '#e9c46a', dash: undefined },
  { color: '#7dd3fc', dash: '6 3' },
  { color: '#f9a8d4', dash: '2 3' },
  { color: '#86efac', dash: '10 3 2 3' },
  { color: '#fdba74', dash: '1 2' },
  { color: '#c4b5fd', dash: '8 6' },
  { color: '#ece9fb', dash: '4 2 1 2' },
];

export const seriesStyle = (index: number): SeriesStyle => STYLES[index % STYLES.length]!;
