import { create } from 'zustand';

/**
 * A request this tab is sending, or why it was refused: what the caller sees before the database
 * has a reading to tell of (which then comes from ReadingEvents).
 */
export interface OutgoingRequestState {
  readerName: string | null;
  sending: boolean;
  error: string | null;
  begin: (readerName: string) => void;
  fail: (error: string) => void;
  finish: () => void;
}

export const useOutgoingRequestStore = create<OutgoingRequestState>()((set) => ({
  readerName: null,
  sending: false,
  error: null,
  begin: (readerName) => set({ readerName, sending: true, error: null }),
  fail: (error) => set({ sending: false, error }),
  finish: () => set({ readerName: null, sending: false, error: null }),
}));
