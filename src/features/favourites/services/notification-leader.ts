/**
 * One tab per browser shows system notifications: the tab holding a Web Lock. The browser hands the
 * lock to the next waiting tab when the holder stops, closes or crashes. Without Web Locks every
 * tab leads; the notifications' tag then lets the system show one of each.
 */
export class NotificationLeader {
  private round: AbortController | undefined;
  private leading = false;

  constructor(
    private readonly name = 'availability-notifications-leader',
    private readonly locks: LockManager | undefined = globalThis.navigator?.locks,
  ) {}

  get isLeader(): boolean {
    return this.leading;
  }

  /** Joins the election; safe to call twice. */
  start(): void {
    if (this.round) return;
    const round = new AbortController();
    this.round = round;
    if (!this.locks) {
      this.leading = true;
      return;
    }
    this.locks
      .request(this.name, { signal: round.signal }, () => {
        // Granted as this round ended: pass the lock straight on.
        if (round.signal.aborted) return undefined;
        this.leading = true;
        return new Promise<void>((release) => round.signal.addEventListener('abort', () => release(), { once: true }));
      })
      .catch(() => {
        // Aborted by stop() while waiting: nothing left to lead.
      });
  }

  /** Leaves the election, passing the lock on; safe to call twice. */
  stop(): void {
    this.round?.abort();
    this.round = undefined;
    this.leading = false;
  }
}
