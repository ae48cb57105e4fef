import { ChartCard, type ChartCardProps } from '@/components/charts/chart-card';
import type { OpsPeriod } from '@/features/ops/utils/periods';
import { opsChartCaption, opsTimeAxis } from '@/features/ops/utils/time-axis';

interface OpsChartCardProps extends Omit<ChartCardProps, 'caption' | 'axis'> {
  /** The period the data covers (the one on screen may still be loading). */
  period: OpsPeriod;
  timeZone?: string;
}

/** A dashboard chart over one of its periods, in the viewer's time zone. */
export function OpsChartCard({ period, timeZone, ...card }: OpsChartCardProps) {
  return <ChartCard {...card} caption={opsChartCaption(card.title, period)} axis={opsTimeAxis(period, timeZone)} />;
}
