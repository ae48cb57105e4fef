import { unwrap, type ApiAnswer } from '@/lib/api-error';
import type { AppSupabaseClient } from '@/lib/create-supabase-client';
import { toInstant, toNumber } from '@/lib/numeric';

export type ReadingState = 'ringing' | 'declined' | 'expired' | 'cancelled' | 'live' | 'ended';
export type ReadingEndReason = 'hung_up' | 'connection_lost' | 'abandoned';

/** A reading as the database tells either participant (public.reading_view). */
export interface Reading {
  id: string;
  state: ReadingState;
  clientId: string;
  clientName: string;
  readerId: string;
  readerName: string;
  pricePerMinute: number;
  requestedAt: string;
  /** When a ringing request expires; null once answered. */
  expiresAt: string | null;
  startedAt: string | null;
  endedAt: string | null;
  /** Who ended it: a participant, or null when the database did. */
  endedBy: string | null;
  endReason: ReadingEndReason | null;
  durationSeconds: number | null;
  /** Ended: the amount charged. Live: the amount so far, as the database counts it. */
  amount: number | null;
  /** Live: when the amount so far next grows (the end of the minutes begun), and the room asks again. */
  chargedUntil: string | null;
  /** The database's clock when it answered. */
  serverTime: string;
}

const STATES = new Set<string>(['ringing', 'declined', 'expired', 'cancelled', 'live', 'ended']);
const END_REASONS = new Set<string>(['hung_up', 'connection_lost', 'abandoned']);
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
// Names are 80 characters at most in the database; the bound only keeps megabytes off the screen.
const MAX_NAME_LENGTH = 500;

const isId = (value: unknown): value is string => typeof value === 'string' && UUID.test(value);
const isName = (value: unknown): value is string => typeof value === 'string' && value.length <= MAX_NAME_LENGTH;
const instantOrNull = (value: unknown): string | null | undefined =>
  value === null ? null : typeof value === 'string' && toInstant(value) !== null ? value : undefined;

/** A reading_view row (an RPC's answer, or a push's payload), or null for anything else: every field is checked. */
export function parseReading(value: unknown): Reading | null {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return null;
  const row = value as Record<string, unknown>;
  const { id, state, client_id, client_name, reader_id, reader_name, ended_by, end_reason } = row;
  if (!isId(id) || typeof state !== 'string' || !STATES.has(state)) return null;
  if (!isId(client_id) || !isId(reader_id) || !isName(client_name) || !isName(reader_name)) return null;
  const pricePerMinute = toNumber(row.price_per_minute);
  const requestedAt = instantOrNull(row.requested_at);
  const serverTime = instantOrNull(row.server_time);
  const expiresAt = instantOrNull(row.expires_at);
  const startedAt = instantOrNull(row.started_at);
  const endedAt = instantOrNull(row.ended_at);
  const chargedUntil = instantOrNull(row.charged_until);
  if (pricePerMinute === null || !requestedAt || !serverTime) return null;
  if (expiresAt === undefined || startedAt === undefined || endedAt === undefined || chargedUntil === undefined) return null;
  if (ended_by !== null && !isId(ended_by)) return null;
  if (end_reason !== null && (typeof end_reason !== 'string' || !END_REASONS.has(end_reason))) return null;
  const durationSeconds = row.duration_seconds === null ? null : toNumber(row.duration_seconds);
  const amount = row.amount === null ? null : toNumber(row.amount);
  if ((row.duration_seconds !== null && durationSeconds === null) || (row.amount !== null && amount === null)) return null;
  return {
    id: id.toLowerCase(),
    state: state as ReadingState,
    clientId: client_id.toLowerCase(),
    clientName: client_name,
    readerId: reader_id.toLowerCase(),
    readerName: reader_name,
    pricePerMinute,
    requestedAt,
    expiresAt,
    startedAt,
    endedAt,
    endedBy: ended_by === null ? null : ended_by.toLowerCase(),
    endReason: end_reason as ReadingEndReason | null,
    durationSeconds,
    amount,
    chargedUntil,
    serverTime,
  };
}

const ICE_URL = /^(stuns?|turns?):\S+$/;
// Both are the database's words (a day-long credential): bounded only to keep nonsense out.
const isLoginPart = (part: unknown) => typeof part === 'string' && part.length > 0 && part.length <= 1_000;

/**
 * RTCIceServer objects as reading_ice_servers answers them, or null for anything else: a browser
 * throws on a TURN server without a username and credential, so that is refused here too.
 */
export function parseIceServers(value: unknown): RTCIceServer[] | null {
  if (!Array.isArray(value)) return null;
  const servers: RTCIceServer[] = [];
  for (const entry of value as unknown[]) {
    if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) return null;
    const { urls, username, credential } = entry as Record<string, unknown>;
    if (!Array.isArray(urls) || urls.length === 0 || !urls.every((url): url is string => typeof url === 'string' && ICE_URL.test(url))) return null;
    if (urls.some((url) => url.startsWith('turn'))) {
      if (!isLoginPart(username) || !isLoginPart(credential)) return null;
      servers.push({ urls, username: username as string, credential: credential as string });
    } else {
      if (username !== undefined || credential !== undefined) return null;
      servers.push({ urls });
    }
  }
  return servers;
}

/** A function returning one reading_view: PostgREST answers a null composite as an object of nulls. */
function readingOf(answer: ApiAnswer<unknown>): Reading | null {
  const row = unwrap(answer);
  if (row === null || (typeof row === 'object' && (row as { id?: unknown }).id === null)) return null;
  const reading = parseReading(row);
  if (!reading) throw new Error('The server answered with a reading this app cannot read.');
  return reading;
}

function expectReading(answer: ApiAnswer<unknown>): Reading {
  const reading = readingOf(answer);
  if (!reading) throw new Error('The server answered without the reading.');
  return reading;
}

/** The feature's calls, bound to a client, so components and tests take them as one value. */
export interface ReadingsApi {
  request: (readerId: string) => Promise<Reading>;
  answer: (readingId: string, accept: boolean) => Promise<Reading>;
  cancel: (readingId: string) => Promise<Reading>;
  end: (readingId: string, reason: Exclude<ReadingEndReason, 'abandoned'>) => Promise<Reading>;
  /** Keeps a live reading going; also how a tab learns what became of one. */
  heartbeat: (readingId: string) => Promise<Reading>;
  /** The STUN and TURN servers for a live reading's call, TURN ones with a credential of the user's own. */
  iceServers: (readingId: string) => Promise<RTCIceServer[]>;
  /** The signed-in user's reading that is ringing or live, if any. */
  current: () => Promise<Reading | null>;
  /** The signed-in user's past readings, newest first. */
  history: (pageSize: number) => Promise<Reading[]>;
}

export function createReadingsApi(getClient: () => AppSupabaseClient): ReadingsApi {
  const rpc = (name: string, args?: Record<string, unknown>) => getClient().rpc(name, args) as unknown as PromiseLike<ApiAnswer<unknown>>;
  return {
    request: async (readerId) => expectReading(await rpc('request_reading', { reader_id: readerId })),
    answer: async (readingId, accept) => expectReading(await rpc('answer_reading', { reading_id: readingId, accept })),
    cancel: async (readingId) => expectReading(await rpc('cancel_reading', { reading_id: readingId })),
    end: async (readingId, reason) => expectReading(await rpc('end_reading', { reading_id: readingId, reason })),
    heartbeat: async (readingId) => expectReading(await rpc('reading_heartbeat', { reading_id: readingId })),
    iceServers: async (readingId) => {
      const servers = parseIceServers(unwrap(await rpc('reading_ice_servers', { reading_id: readingId })));
      if (!servers) throw new Error('The server answered with ICE servers this app cannot read.');
      return servers;
    },
    current: async () => readingOf(await rpc('current_reading')),
    history: async (pageSize) => {
      const rows = unwrap(await rpc('my_readings', { page_size: pageSize }));
      return (Array.isArray(rows) ? rows : []).map(parseReading).filter((reading): reading is Reading => reading !== null);
    },
  };
}
