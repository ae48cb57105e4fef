import { useCallback, useEffect, useLayoutEffect, useRef, useState } from 'react';

export interface PolledResource<T> {
  /** The last good data: kept on screen through later failures. */
  data: T | undefined;
  /** The last failure, cleared by the next success. */
  error: unknown;
  /** True while the first load is out (no data yet, no failure yet). */
  isLoading: boolean;
  isRefreshing: boolean;
  /** Loads again now, and restarts the interval from now. */
  refresh: () => void;
}

/**
 * Loads at once, then every `intervalMs` while the page is visible. A hidden tab makes no requests;
 * coming back loads at once. Answers that arrive out of order never replace newer data. `load` is
 * given the data on screen, so it may extend it instead of reading everything again.
 */
export function usePolledResource<T>(load: (current: T | undefined) => Promise<T>, intervalMs: number): PolledResource<T> {
  const [data, setData] = useState<T>();
  const dataRef = useRef<T>(undefined);
  const [error, setError] = useState<unknown>(null);
  const [isRefreshing, setIsRefreshing] = useState(false);
  const latestRequest = useRef(0);
  const inFlight = useRef(false);
  const restartInterval = useRef<() => void>(() => {});
  // The newest `load` without restarting the interval each time the caller makes a new function.
  const loadRef = useRef(load);
  useLayoutEffect(() => {
    loadRef.current = load;
  });

  const fetchNow = useCallback(async () => {
    const request = ++latestRequest.current;
    inFlight.current = true;
    setIsRefreshing(true);
    try {
      const result = await loadRef.current(dataRef.current);
      if (request !== latestRequest.current) return;
      dataRef.current = result;
      setData(result);
      setError(null);
    } catch (failure) {
      if (request !== latestRequest.current) return;
      setError(failure);
    } finally {
      if (request === latestRequest.current) {
        inFlight.current = false;
        setIsRefreshing(false);
      }
    }
  }, []);

  useEffect(() => {
    let timer: ReturnType<typeof setInterval> | undefined;
    const stopInterval = () => clearInterval(timer);
    const startInterval = () => {
      stopInterval();
      // A load that outlasts the interval (the client retries while the API is away) is waited
      // for: starting another would make its answer stale, and no answer would ever count.
      timer = setInterval(() => {
        if (!inFlight.current) void fetchNow();
      }, intervalMs);
    };
    restartInterval.current = () => {
      if (document.visibilityState === 'visible') startInterval();
    };
    const onVisibilityChange = () => {
      if (document.visibilityState === 'visible') {
        void fetchNow();
        startInterval();
      } else {
        stopInterval();
      }
    };

    // eslint-disable-next-line react-hooks/set-state-in-effect -- starting the load is this effect's job; its one synchronous update marks the load in flight, the answer lands later
    void fetchNow();
    restartInterval.current();
    document.addEventListener('visibilitychange', onVisibilityChange);
    return () => {
      stopInterval();
      document.removeEventListener('visibilitychange', onVisibilityChange);
      // Answers still out belong to an unmounted page (or an older interval).
      latestRequest.current += 1;
      inFlight.current = false;
    };
  }, [fetchNow, intervalMs]);

  const refresh = useCallback(() => {
    void fetchNow();
    restartInterval.current();
  }, [fetchNow]);

  return { data, error, isLoading: data === undefined && error === null, isRefreshing, refresh };
}
