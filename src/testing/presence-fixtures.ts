import { vi } from 'vitest';
import type { OwnPresence, PresenceApi } from '@/features/presence/api/report-presence';
import type { InputActivity } from '@/features/presence/services/input-activity';

/** A reader's own presence as the database answers it: available, nothing chosen, one device. */
export function ownPresence(overrides: Partial<OwnPresence> = {}): OwnPresence {
  return {
    status: 'available',
    chosenStatus: 'available',
    statusMessage: null,
    expiresAt: null,
    hidden: false,
    devices: 1,
    serverTime: { at: new Date(Date.now()), receivedAt: Date.now() },
    ...overrides,
  };
}

/** A PresenceApi whose calls answer at once, each with a fresh OwnPresence. */
export function fakePresenceApi() {
  return {
    heartbeat: vi.fn<PresenceApi['heartbeat']>(() => Promise.resolve(ownPresence())),
    goOffline: vi.fn<PresenceApi['goOffline']>(() => Promise.resolve(ownPresence({ status: 'offline' }))),
    goOfflineOnUnload: vi.fn<PresenceApi['goOfflineOnUnload']>(),
    reportFailures: vi.fn<PresenceApi['reportFailures']>(() => Promise.resolve()),
    setStatus: vi.fn<PresenceApi['setStatus']>((choice) =>
      Promise.resolve(ownPresence({ status: choice.status, chosenStatus: choice.status, statusMessage: choice.message || null, expiresAt: choice.expiresAt })),
    ),
  } satisfies PresenceApi;
}

/** Input activity the test drives by hand: `idle` is what idleSeconds() says, `returnNow()` is input after a pause. */
export function fakeInputActivity() {
  let onReturn: (() => void) | undefined;
  const activity = {
    idle: 0,
    start: vi.fn((callback: () => void) => {
      onReturn = callback;
    }),
    stop: vi.fn(() => {
      onReturn = undefined;
    }),
    idleSeconds: vi.fn(() => activity.idle),
    returnNow: () => {
      activity.idle = 0;
      onReturn?.();
    },
    get listening() {
      return onReturn !== undefined;
    },
  };
  return activity satisfies InputActivity;
}
