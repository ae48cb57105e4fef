/**
 * The server's clock as seen from the browser: the client's clock plus the offset the server last
 * reported (a response's Date header, or a presence RPC's server_time). Presence is judged
 * against this, so a client clock that is hours wrong changes nothing.
 */
export class ServerClock {
  private offsetMs = 0;
  private observedAt: number | null = null;

  constructor(private readonly clientNow: () => number = Date.now) {}

  observe(serverTime: Date): void {
    if (Number.isNaN(serverTime.getTime())) return;
    this.observedAt = this.clientNow();
    this.offsetMs = serverTime.getTime() - this.observedAt;
  }

  /** True when the server has not told the time for `maxAgeMs` (or ever): the offset may have drifted. */
  isStale(maxAgeMs: number): boolean {
    return this.observedAt === null || Math.abs(this.clientNow() - this.observedAt) > maxAgeMs;
  }

  now(): Date {
    return new Date(this.clientNow() + this.offsetMs);
  }
}

/** A fetch that tells the clock the time of every server response (HTTP Date header). */
export function fetchObservingClock(clock: ServerClock, baseFetch: typeof fetch = fetch): typeof fetch {
  return async (input, init) => {
    const response = await baseFetch(input, init);
    const date = response.headers.get('date');
    if (date) clock.observe(new Date(date));
    return response;
  };
}
