const FIRST_RETRY_MS = 1_000;

/**
 * How long to wait before retry number `failures` (1, 2, 3...): 1 s, 2 s, 4 s... capped at `capMs`,
 * then spread over the upper half so that browsers cut off together do not come back together.
 */
export function retryDelay(failures: number, capMs: number, random: () => number = Math.random): number {
  const exponential = Math.min(capMs, FIRST_RETRY_MS * 2 ** Math.max(0, failures - 1));
  return Math.round(exponential / 2 + (exponential / 2) * random());
}
