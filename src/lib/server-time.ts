/**
 * The server's time as an answer told it, and the moment the browser received it. The database
 * judges presence; the browser only needs "now" on the server's clock for "last seen 12 minutes
 * ago" text, which it gets by adding the time elapsed since the answer (so a browser clock that is
 * hours wrong changes nothing).
 */
export interface ServerTime {
  /** The server's clock when it answered (an answer's server_time). */
  readonly at: Date;
  /** The browser's Date.now() when the answer arrived. */
  readonly receivedAt: number;
}

export function serverTimeFrom(serverTime: string, receivedAt: number = Date.now()): ServerTime {
  return { at: new Date(serverTime), receivedAt };
}

export function serverNow(time: ServerTime, now: number = Date.now()): Date {
  return new Date(time.at.getTime() + Math.max(0, now - time.receivedAt));
}
