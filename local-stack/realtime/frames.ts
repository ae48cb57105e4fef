/**
 * Phoenix channel frames as Supabase Realtime reads and writes them: vsn 1.0.0 JSON objects, vsn 2.0.0
 * JSON arrays `[join_ref, ref, topic, event, payload]`, and the binary user broadcast frames of
 * Realtime's V2 serializer (supabase/realtime lib/realtime_web/socket/v2_serializer.ex; the client's
 * side is @supabase/realtime-js lib/serializer.js). Pure functions, so every rule can be tested alone.
 */

export type Vsn = '1.0.0' | '2.0.0';

export const SUPPORTED_VSNS: readonly Vsn[] = ['1.0.0', '2.0.0'];

/** A broadcast pushed by the client as a binary frame (kind 3): its payload stays as the bytes sent. */
export interface UserBroadcastPush {
  kind: 'user_broadcast_push';
  event: string;
  encoding: 'json' | 'binary';
  data: Buffer;
}

export interface InboundMessage {
  joinRef: string | null;
  ref: string | null;
  topic: string;
  event: string;
  payload: unknown;
}

export type Decoded = { ok: true; message: InboundMessage } | { ok: false; reason: string };

const USER_BROADCAST_PUSH = 3;
const USER_BROADCAST = 4;
const BINARY_ENCODING = 0;
const JSON_ENCODING = 1;
const MAX_FIELD_BYTES = 255;

function isRef(value: unknown): value is string | null {
  return value === null || typeof value === 'string';
}

/** Numbers are accepted as refs, as Phoenix echoes whatever it was sent; they come back as strings. */
function refOf(value: unknown): string | null | undefined {
  if (value === undefined || value === null) return null;
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  return isRef(value) ? value : undefined;
}

function fromParts(joinRef: unknown, ref: unknown, topic: unknown, event: unknown, payload: unknown): Decoded {
  const join = refOf(joinRef);
  const own = refOf(ref);
  if (join === undefined || own === undefined) return { ok: false, reason: 'join_ref and ref must be strings or null' };
  if (typeof topic !== 'string' || typeof event !== 'string') return { ok: false, reason: 'topic and event must be strings' };
  return { ok: true, message: { joinRef: join, ref: own, topic, event, payload } };
}

function decodeText(text: string, vsn: Vsn): Decoded {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return { ok: false, reason: 'not JSON' };
  }
  if (vsn === '2.0.0') {
    if (!Array.isArray(parsed) || parsed.length < 5) return { ok: false, reason: 'expected a V2 array [join_ref, ref, topic, event, payload]' };
    const [joinRef, ref, topic, event, payload] = parsed as unknown[];
    return fromParts(joinRef, ref, topic, event, payload);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return { ok: false, reason: 'expected a V1 object' };
  const { join_ref: joinRef, ref, topic, event, payload } = parsed as Record<string, unknown>;
  return fromParts(joinRef, ref, topic, event, payload);
}

/** Kind 3: kind, five lengths, the encoding, then join_ref, ref, topic, user event, metadata and the payload. */
function decodeBinary(frame: Buffer): Decoded {
  if (frame.length < 7 || frame[0] !== USER_BROADCAST_PUSH) return { ok: false, reason: 'only user broadcast pushes (kind 3) are accepted as binary' };
  const [joinRefSize, refSize, topicSize, eventSize, metadataSize, encoding] = [frame[1]!, frame[2]!, frame[3]!, frame[4]!, frame[5]!, frame[6]!];
  if (encoding !== BINARY_ENCODING && encoding !== JSON_ENCODING) return { ok: false, reason: 'unknown payload encoding' };
  let offset = 7;
  const take = (size: number) => {
    const field = frame.subarray(offset, offset + size);
    offset += size;
    return field;
  };
  if (frame.length < offset + joinRefSize + refSize + topicSize + eventSize + metadataSize)
    return { ok: false, reason: 'binary frame shorter than its header says' };
  const joinRef = take(joinRefSize).toString('utf8');
  const ref = take(refSize).toString('utf8');
  const topic = take(topicSize).toString('utf8');
  const event = take(eventSize).toString('utf8');
  const metadata = take(metadataSize);
  if (metadata.length > 0) {
    try {
      JSON.parse(metadata.toString('utf8'));
    } catch {
      return { ok: false, reason: 'metadata is not JSON' };
    }
  }
  const push: UserBroadcastPush = {
    kind: 'user_broadcast_push',
    event,
    encoding: encoding === JSON_ENCODING ? 'json' : 'binary',
    data: Buffer.from(frame.subarray(offset)),
  };
  return { ok: true, message: { joinRef: joinRef || null, ref: ref || null, topic, event: 'broadcast', payload: push } };
}

export function decodeFrame(frame: Buffer, isBinary: boolean, vsn: Vsn): Decoded {
  if (isBinary) return vsn === '2.0.0' ? decodeBinary(frame) : { ok: false, reason: 'vsn 1.0.0 has no binary frames' };
  return decodeText(frame.toString('utf8'), vsn);
}

export function isUserBroadcastPush(payload: unknown): payload is UserBroadcastPush {
  return typeof payload === 'object' && payload !== null && (payload as { kind?: unknown }).kind === 'user_broadcast_push';
}

/** A message from the server: a push (`ref` null), a reply or a close. */
export function encodeMessage(vsn: Vsn, joinRef: string | null, ref: string | null, topic: string, event: string, payload: unknown): string {
  if (vsn === '2.0.0') return JSON.stringify([joinRef, ref, topic, event, payload]);
  return JSON.stringify({ topic, event, payload, ref, join_ref: joinRef });
}

export function encodeReply(vsn: Vsn, message: Pick<InboundMessage, 'joinRef' | 'ref' | 'topic'>, status: 'ok' | 'error', response: object): string {
  return encodeMessage(vsn, message.joinRef, message.ref, message.topic, 'phx_reply', { status, response });
}

/** A user broadcast to the client (kind 4), the only binary frame realtime-js decodes. Undefined if a field is too long. */
export function encodeUserBroadcast(
  topic: string,
  event: string,
  encoding: 'json' | 'binary',
  data: Buffer,
  metadata?: Record<string, unknown>,
): Buffer | undefined {
  const topicBytes = Buffer.from(topic, 'utf8');
  const eventBytes = Buffer.from(event, 'utf8');
  const metadataBytes = Buffer.from(metadata ? JSON.stringify(metadata) : '', 'utf8');
  if ([topicBytes, eventBytes, metadataBytes].some((field) => field.length > MAX_FIELD_BYTES)) return undefined;
  const header = Buffer.from([
    USER_BROADCAST,
    topicBytes.length,
    eventBytes.length,
    metadataBytes.length,
    encoding === 'json' ? JSON_ENCODING : BINARY_ENCODING,
  ]);
  return Buffer.concat([header, topicBytes, eventBytes, metadataBytes, data]);
}
