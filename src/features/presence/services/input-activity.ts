/**
 * How long ago this browser last had keyboard, pointer or touch input, in any of its tabs: the
 * heartbeat reports it and the database decides when that makes a reader away (10 minutes,
 * private.presence_auto_away_after()). Visibility plays no part: a reader with the tab in the
 * background and their hands on another window of the same browser is not away.
 */
export interface InputActivity {
  /** Starts listening; `onReturn` runs on the first input after a pause, so the reader is back at once. */
  start(onReturn: () => void): void;
  stop(): void;
  /** Whole seconds since the last input in any tab of this browser. */
  idleSeconds(): number;
}

const INPUT_EVENTS = ['keydown', 'pointerdown', 'pointermove', 'wheel', 'touchstart'] as const;

// After this long without input, the next input is reported at once rather than with the next
// heartbeat: the reader may be shown away by now.
const RETURN_AFTER_MS = 60_000;
// Input is shared with the other tabs (the leading one heartbeats) at most this often per tab.
const SHARE_EVERY_MS = 15_000;

type InputMessage = { type: 'input'; at: number };

interface InputActivityEnvironment {
  target?: Pick<Window, 'addEventListener' | 'removeEventListener'> | undefined;
  BroadcastChannel?: typeof BroadcastChannel | undefined;
  now?: () => number;
}

export function createInputActivity(name: string, environment: InputActivityEnvironment = {}): InputActivity {
  const target = 'target' in environment ? environment.target : globalThis.window;
  const Channel = 'BroadcastChannel' in environment ? environment.BroadcastChannel : globalThis.BroadcastChannel;
  const now = environment.now ?? Date.now;
  let lastInputAt = now();
  let lastSharedAt = -Infinity;
  let channel: BroadcastChannel | undefined;
  let onReturn: (() => void) | undefined;

  function record(at: number) {
    if (at <= lastInputAt) return;
    const pausedFor = at - lastInputAt;
    lastInputAt = at;
    if (pausedFor >= RETURN_AFTER_MS) onReturn?.();
  }

  const onInput = () => {
    const at = now();
    record(at);
    if (at - lastSharedAt >= SHARE_EVERY_MS) {
      lastSharedAt = at;
      channel?.postMessage({ type: 'input', at } satisfies InputMessage);
    }
  };

  return {
    start(callback) {
      if (onReturn) return;
      onReturn = callback;
      // Signing in or opening the page is input too.
      lastInputAt = Math.max(lastInputAt, now());
      for (const type of INPUT_EVENTS) target?.addEventListener(type, onInput, { capture: true, passive: true });
      if (Channel) {
        channel = new Channel(`${name}:input`);
        channel.onmessage = (event: MessageEvent<InputMessage>) => {
          if (event.data?.type === 'input' && Number.isFinite(event.data.at)) record(Math.min(event.data.at, now()));
        };
      }
    },

    stop() {
      if (!onReturn) return;
      onReturn = undefined;
      for (const type of INPUT_EVENTS) target?.removeEventListener(type, onInput, { capture: true });
      channel?.close();
      channel = undefined;
    },

    idleSeconds: () => Math.max(0, Math.floor((now() - lastInputAt) / 1000)),
  };
}
