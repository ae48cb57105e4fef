import { createContext, useContext, type ReactNode } from 'react';
import type { ReadingsApi } from '@/features/readings/api/readings-api';
import type { ReadingEvents } from '@/features/readings/services/reading-events';
import type { SignallingChannel } from '@/features/readings/services/reading-call';

export interface ReadingsContextValue {
  api: ReadingsApi;
  /** The signed-in user; undefined when nobody is signed in. */
  userId: string | undefined;
  events: ReadingEvents;
  /** The call's signalling channel for one reading. */
  openSignalling: (readingId: string) => SignallingChannel;
}

const ReadingsContext = createContext<ReadingsContextValue | null>(null);

/** What the feature's components need, given once by the app (tests give fakes). */
export function ReadingsProvider({ value, children }: { value: ReadingsContextValue; children: ReactNode }) {
  return <ReadingsContext value={value}>{children}</ReadingsContext>;
}

export function useReadingsContext(): ReadingsContextValue {
  const value = useContext(ReadingsContext);
  if (!value) throw new Error('Readings components need a ReadingsProvider above them');
  return value;
}
