import { AuthError } from './errors.ts';

const WINDOW_MS = 5 * 60 * 1000;

/** Sign-ins and sign-ups per client address in a sliding five-minute window (`[auth.rate_limit] sign_in_sign_ups`). */
export class SignInRateLimiter {
  private readonly attempts = new Map<string, number[]>();

  constructor(
    private readonly limit: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** Counts one attempt by `address`; 429 once the window holds `limit` of them. */
  take(address: string): void {
    const now = this.now();
    const recent = (this.attempts.get(address) ?? []).filter((at) => now - at < WINDOW_MS);
    if (recent.length >= this.limit) throw new AuthError(429, 'over_request_rate_limit', 'Request rate limit reached');
    recent.push(now);
    this.attempts.set(address, recent);
  }
}
