import { AuthError } from './errors.ts';

const WINDOW_MS = 5 * 60 * 1000;

/**
 * Requests per client address in a sliding five-minute window, as Supabase Auth's
 * `[auth.rate_limit]` settings count them. An address is forgotten once its window is empty, so
 * memory is bounded by the addresses seen in the last five minutes.
 */
export class RateLimiter {
  /** Kept in the order of each address's latest attempt, so the idle ones are always at the front. */
  private readonly attempts = new Map<string, number[]>();

  constructor(
    private readonly limit: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** How many addresses the limiter holds attempts for. */
  get trackedAddresses(): number {
    return this.attempts.size;
  }

  /** Counts one attempt by `address`; 429 once the window holds `limit` of them. */
  take(address: string): void {
    const now = this.now();
    this.forgetIdleAddresses(now);
    const recent = (this.attempts.get(address) ?? []).filter((at) => now - at < WINDOW_MS);
    if (recent.length >= this.limit) throw new AuthError(429, 'over_request_rate_limit', 'Request rate limit reached');
    recent.push(now);
    this.attempts.delete(address);
    this.attempts.set(address, recent);
  }

  private forgetIdleAddresses(now: number): void {
    for (const [address, times] of this.attempts) {
      if (now - times[times.length - 1]! < WINDOW_MS) return;
      this.attempts.delete(address);
    }
  }
}
