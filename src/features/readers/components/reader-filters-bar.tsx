import { Search, X } from 'lucide-react';
import { useId } from 'react';
import type { ReaderFilters } from '@/features/readers/api/fetch-reader-page';
import { hasActiveFilters, NO_FILTERS, withAvailability } from '@/features/readers/utils/reader-filters';

interface ReaderFiltersBarProps {
  filters: ReaderFilters;
  specialties: string[];
  onChange: (filters: ReaderFilters) => void;
  /** Someone is signed in, so "Your favourites" can narrow the list (the page supplies the ids). */
  canFilterFavourites?: boolean;
}

export function ReaderFiltersBar({ filters, specialties, onChange, canFilterFavourites = false }: ReaderFiltersBarProps) {
  const searchId = useId();
  const suggestionsId = useId();
  return (
    <div role="search" aria-label="Filter readers" className="flex flex-col gap-3 sm:flex-row sm:items-end">
      <div className="flex-1">
        <label htmlFor={searchId} className="block text-sm font-medium text-mist-300">
          Specialty
        </label>
        <div className="relative mt-1">
          <Search aria-hidden="true" className="pointer-events-none absolute left-3 top-1/2 size-4 -translate-y-1/2 text-mist-500" />
          <input
            id={searchId}
            type="search"
            list={suggestionsId}
            value={filters.specialty}
            onChange={(event) => onChange({ ...filters, specialty: event.target.value })}
            placeholder="Love, career, dreams…"
            autoComplete="off"
            className="w-full rounded-md border border-night-600 bg-night-900 py-2 pl-9 pr-3 text-mist-100 placeholder:text-mist-500 focus:border-gold-400"
          />
          <datalist id={suggestionsId}>
            {specialties.map((specialty) => (
              <option key={specialty} value={specialty} />
            ))}
          </datalist>
        </div>
      </div>
      <label className="flex cursor-pointer items-center gap-2 rounded-md border border-night-600 bg-night-900 px-3 py-2 text-sm text-mist-100 has-checked:border-emerald-400/60">
        <input
          type="checkbox"
          checked={filters.availableOnly}
          onChange={(event) => onChange(withAvailability(filters, 'availableOnly', event.target.checked))}
          className="size-4 accent-emerald-400"
        />
        Available now
      </label>
      <label className="flex cursor-pointer items-center gap-2 rounded-md border border-night-600 bg-night-900 px-3 py-2 text-sm text-mist-100 has-checked:border-gold-400/60">
        <input
          type="checkbox"
          checked={filters.laterToday ?? false}
          onChange={(event) => onChange(withAvailability(filters, 'laterToday', event.target.checked))}
          className="size-4 accent-gold-400"
        />
        Available later today
      </label>
      {canFilterFavourites && (
        <label className="flex cursor-pointer items-center gap-2 rounded-md border border-night-600 bg-night-900 px-3 py-2 text-sm text-mist-100 has-checked:border-gold-400/60">
          <input
            type="checkbox"
            checked={filters.favouriteIds !== undefined}
            onChange={(event) => onChange({ ...filters, favouriteIds: event.target.checked ? [] : undefined })}
            className="size-4 accent-gold-400"
          />
          Your favourites
        </label>
      )}
      {hasActiveFilters(filters) && (
        <button
          type="button"
          onClick={() => onChange(NO_FILTERS)}
          className="inline-flex items-center justify-center gap-1 rounded-md px-3 py-2 text-sm text-gold-400 hover:text-gold-300"
        >
          <X aria-hidden="true" className="size-4" />
          Clear filters
        </button>
      )}
    </div>
  );
}
