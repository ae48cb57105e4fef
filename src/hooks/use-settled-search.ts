import { useEffect, useState } from 'react';

export const SEARCH_TYPING_PAUSE_MS = 300;

/**
 * The search text once typing pauses, so a word typed is one request, not one per key. Clearing
 * the box is not typing: it applies at once.
 */
export function useSettledSearch(text: string, pauseMs = SEARCH_TYPING_PAUSE_MS): string {
  const [settled, setSettled] = useState(text);
  const cleared = text.trim() === '';
  useEffect(() => {
    const timer = setTimeout(() => setSettled(text), cleared ? 0 : pauseMs);
    return () => clearTimeout(timer);
  }, [text, cleared, pauseMs]);
  return cleared ? text : settled;
}
