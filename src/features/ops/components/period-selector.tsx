import { OPS_PERIODS, type OpsPeriod } from '@/features/ops/utils/periods';

interface PeriodSelectorProps {
  period: OpsPeriod;
  onChange: (period: OpsPeriod) => void;
}

/** The charts' period: native radio buttons (arrow keys move between them), each in a pill that is its label. */
export function PeriodSelector({ period, onChange }: PeriodSelectorProps) {
  return (
    <fieldset>
      <legend className="mb-2 text-sm text-mist-300">Period of the charts</legend>
      <div className="flex flex-wrap gap-2">
        {OPS_PERIODS.map((option) => (
          <label
            key={option}
            className="flex cursor-pointer items-center gap-2 rounded-md border border-night-600 px-3 py-1.5 text-sm text-mist-300 hover:text-gold-300 has-checked:border-gold-400 has-checked:bg-night-700 has-checked:text-gold-300"
          >
            <input
              type="radio"
              name="ops-period"
              value={option}
              checked={period === option}
              onChange={() => onChange(option)}
              className="size-3.5 accent-gold-400"
            />
            {option}
          </label>
        ))}
      </div>
    </fieldset>
  );
}
