import { render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, test } from 'vitest';
import { ChartCard } from '@/components/charts/chart-card';
import type { ChartData, TimeAxis } from '@/components/charts/chart-data';

const HOUR = 3_600_000;
const t0 = Date.UTC(2026, 10, 25, 12);

const axis: TimeAxis = {
  bucketMs: HOUR,
  heading: 'Hour',
  formatTick: (at) => `t${(at - t0) / HOUR}`,
  formatPoint: (at) => `point ${(at - t0) / HOUR}`,
};

const data: ChartData = {
  x: [t0, t0 + HOUR, t0 + 2 * HOUR],
  series: [
    { key: 'a', label: 'Apples', values: [1, null, 3] },
    { key: 'b', label: 'Pears', values: [2, 2, 0] },
  ],
};

const rows = (table: HTMLElement) =>
  within(table)
    .getAllByRole('row')
    .map((row) => [...row.children].map((cell) => cell.textContent));

describe('ChartCard', () => {
  test('a titled chart, named by its caption and described by its summary, with a legend for several series', () => {
    render(<ChartCard title="Fruit" summary="Six pears." caption="Fruit per hour" data={data} kind="line" axis={axis} formatValue={String} />);

    const card = screen.getByRole('region', { name: 'Fruit' });
    expect(within(card).getByRole('heading', { level: 3, name: 'Fruit' })).toBeInTheDocument();
    const chart = within(card).getByRole('img', { name: 'Fruit per hour' });
    expect(chart).toHaveAccessibleDescription('Six pears.');
    expect(within(card).getByRole('list', { name: 'Legend' })).toHaveTextContent('ApplesPears');
    expect(chart).toHaveTextContent('t0');
  });

  test("the table view lists every point with the axis's words, a dash for a gap, and a series' own format", async () => {
    const table: ChartData = { ...data, series: [...data.series, { key: 'c', label: 'Hour of day', values: [9, 10, null], format: (v) => `${v}h` }] };
    render(
      <ChartCard
        title="Fruit"
        summary="Six pears."
        caption="Fruit per hour"
        data={data}
        table={table}
        kind="bar"
        axis={axis}
        formatValue={(v) => `${v} kg`}
        headingLevel={4}
      />,
    );
    const user = userEvent.setup();
    expect(screen.getByRole('heading', { level: 4, name: 'Fruit' })).toBeInTheDocument();

    await user.click(screen.getByRole('button', { name: 'Show table' }));

    expect(rows(screen.getByRole('table', { name: 'Fruit per hour' }))).toEqual([
      ['Hour', 'Apples', 'Pears', 'Hour of day'],
      ['point 0', '1 kg', '2 kg', '9h'],
      ['point 1', '–', '2 kg', '10h'],
      ['point 2', '3 kg', '0 kg', '–'],
    ]);
    expect(screen.getByRole('region', { name: 'Fruit per hour (table)' })).toHaveAttribute('tabindex', '0');
  });

  test('stacked bars: one rectangle per value above zero', () => {
    render(<ChartCard title="Fruit" summary="Six pears." caption="Fruit per hour" data={data} kind="bar" axis={{ ...axis, utc: true }} formatValue={String} />);
    expect(screen.getByRole('img', { name: 'Fruit per hour' }).querySelectorAll('rect')).toHaveLength(4);
  });

  test('without points there is the summary alone, and no table to show', () => {
    render(
      <ChartCard title="Fruit" summary="No fruit yet." caption="Fruit per hour" data={{ x: [], series: [] }} kind="bar" axis={axis} formatValue={String} />,
    );
    expect(screen.getByRole('region', { name: 'Fruit' })).toHaveTextContent('No fruit yet.');
    expect(screen.queryByRole('img')).not.toBeInTheDocument();
    expect(screen.queryByRole('button')).not.toBeInTheDocument();
  });
});
