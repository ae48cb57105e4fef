/**
 * A video reading's steps as the benchmark records them, what a whole reading costs computed from
 * them, and the signalling of a typical call (pure, so they are testable).
 */

/** The RPCs of a reading's life, in order: the absorbed heartbeat is the client's again at once. */
export const READING_STEPS = ['request', 'accept', 'heartbeat-client', 'heartbeat-reader', 'heartbeat-absorbed', 'end'] as const;
export type ReadingStep = (typeof READING_STEPS)[number];

export interface Spread {
  p50: number;
  p95: number;
}

export interface ReadingStepMeasure {
  step: ReadingStep;
  /** The call as a browser makes it, and whose browser. */
  call: string;
  /** Through the gateway and PostgREST as the signed-in user, from sending the request to reading its answer. */
  httpMs: Spread;
  /** The RPC's statement in PostgreSQL as PostgREST runs it (role and claims set), seen from 127.0.0.1, its COMMIT apart. */
  postgresMs: Spread;
  /** The COMMIT after it (fsync and synchronous commit on). */
  commitMs: Spread;
  /** WAL records of its transaction, subtransactions included, whole-page images left out. */
  walBytes: Spread;
  /** realtime.messages rows its transaction inserted (median). */
  messages: number;
  /** Those rows by topic, ids written `<id>`: `readings:<id>`, `reader-presence`. */
  topics: Record<string, number>;
}

/** `readings:5b7c…` → `readings:<id>`: which kind of topic a message went to. */
export function topicKind(topic: string): string {
  return topic.replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi, '<id>');
}

/** Messages by topic kind. */
export function countTopics(topics: readonly string[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const topic of topics) counts[topicKind(topic)] = (counts[topicKind(topic)] ?? 0) + 1;
  return counts;
}

export interface LifeCyclePart {
  step: ReadingStep;
  /** How many times a reading of `minutes` makes this call. */
  count: number;
  postgresMs: number;
  commitMs: number;
  walBytes: number;
  messages: number;
}

export interface LifeCycle {
  minutes: number;
  heartbeatsPerMinutePerSide: number;
  parts: LifeCyclePart[];
  total: { statements: number; postgresMs: number; commitMs: number; walBytes: number; messages: number };
  /** While it is live, each minute: both sides' heartbeats. */
  perLiveMinute: { statements: number; postgresMs: number; walBytes: number };
}

/**
 * What one reading of `minutes` costs the database, computed from the medians of the measured
 * steps (not measured as one reading): requested, accepted, `heartbeatsPerMinutePerSide` heartbeats
 * a minute from each side (every 15 s: each past the 5-second absorb window, so each a write), ended.
 */
export function readingLifeCycle(steps: readonly ReadingStepMeasure[], minutes = 30, heartbeatsPerMinutePerSide = 4): LifeCycle {
  const step = (name: ReadingStep) => {
    const found = steps.find((measured) => measured.step === name);
    if (!found) throw new Error(`the life cycle needs the measured step "${name}"`);
    return found;
  };
  const heartbeats = minutes * heartbeatsPerMinutePerSide;
  const plan: Array<[ReadingStep, number]> = [
    ['request', 1],
    ['accept', 1],
    ['heartbeat-client', heartbeats],
    ['heartbeat-reader', heartbeats],
    ['end', 1],
  ];
  const parts = plan.map(([name, count]): LifeCyclePart => {
    const measured = step(name);
    return {
      step: name,
      count,
      postgresMs: count * measured.postgresMs.p50,
      commitMs: count * measured.commitMs.p50,
      walBytes: count * measured.walBytes.p50,
      messages: count * measured.messages,
    };
  });
  const total = (key: 'count' | 'postgresMs' | 'commitMs' | 'walBytes' | 'messages') => parts.reduce((sum, part) => sum + part[key], 0);
  const [client, reader] = [step('heartbeat-client'), step('heartbeat-reader')];
  return {
    minutes,
    heartbeatsPerMinutePerSide,
    parts,
    total: {
      statements: total('count'),
      postgresMs: total('postgresMs'),
      commitMs: total('commitMs'),
      walBytes: total('walBytes'),
      messages: total('messages'),
    },
    perLiveMinute: {
      statements: 2 * heartbeatsPerMinutePerSide,
      postgresMs: heartbeatsPerMinutePerSide * (client.postgresMs.p50 + reader.postgresMs.p50),
      walBytes: heartbeatsPerMinutePerSide * (client.walBytes.p50 + reader.walBytes.p50),
    },
  };
}

// ---------------------------------------------------------------------------------------------
// A typical call's signalling
// ---------------------------------------------------------------------------------------------

export type SignalSide = 'client' | 'reader';

export interface CallSignal {
  from: SignalSide;
  event: 'hello' | 'offer' | 'answer' | 'ice' | 'bye';
  payload: Record<string, unknown>;
}

/** An SDP of about `bytes` bytes, shaped as a browser's offer or answer for one audio and one video track. */
export function sdpOfAbout(bytes: number, side: SignalSide): string {
  const lines = [
    'v=0',
    `o=- ${side === 'client' ? '4611731400430051336' : '7823109457001238495'} 2 IN IP4 127.0.0.1`,
    's=-',
    't=0 0',
    'a=group:BUNDLE 0 1',
    'a=extmap-allow-mixed',
    'a=msid-semantic: WMS local-stream',
    'm=audio 9 UDP/TLS/RTP/SAVPF 111 63 9 0 8 13 110 126',
    'c=IN IP4 0.0.0.0',
    'a=rtcp:9 IN IP4 0.0.0.0',
    `a=ice-ufrag:${side === 'client' ? 'Cq7h' : 'Rd9k'}`,
    'a=ice-pwd:b3Tz1bQ0rQh8Zk9yV2pLm4sX',
    'a=ice-options:trickle',
    `a=fingerprint:sha-256 ${Array.from({ length: 32 }, (_, index) => ((index * 37 + (side === 'client' ? 11 : 5)) % 256).toString(16).padStart(2, '0').toUpperCase()).join(':')}`,
    `a=setup:${side === 'client' ? 'actpass' : 'active'}`,
    'a=mid:0',
    'a=sendrecv',
    'a=rtcp-mux',
    'a=rtpmap:111 opus/48000/2',
    'a=fmtp:111 minptime=10;useinbandfec=1',
    'm=video 9 UDP/TLS/RTP/SAVPF 96 97 98 99 100 101 102 103 104 105',
    'c=IN IP4 0.0.0.0',
    'a=mid:1',
    'a=sendrecv',
    'a=rtcp-mux',
    'a=rtcp-rsize',
  ];
  const codecs = ['VP8', 'VP9', 'H264', 'AV1', 'rtx', 'red', 'ulpfec'];
  let text = lines.join('\r\n');
  for (let payloadType = 96; text.length < bytes; payloadType += 1) {
    const codec = codecs[payloadType % codecs.length]!;
    text += `\r\na=rtpmap:${payloadType} ${codec}/90000\r\na=rtcp-fb:${payloadType} goog-remb\r\na=rtcp-fb:${payloadType} transport-cc\r\na=rtcp-fb:${payloadType} nack pli`;
  }
  return `${text.slice(0, bytes - 2).replace(/\r?\n?[^\n]*$/, '')}\r\n`;
}

function candidate(side: SignalSide, index: number): Record<string, unknown> {
  const kinds = ['host', 'srflx', 'relay'] as const;
  const kind = kinds[index % kinds.length]!;
  const port = 50_000 + index * 17 + (side === 'client' ? 0 : 7);
  const address = kind === 'host' ? `192.168.1.${10 + index}` : `203.0.113.${20 + index}`;
  const related = kind === 'host' ? '' : ` raddr 192.168.1.${10 + index} rport ${port}`;
  return {
    candidate: `candidate:${1_000_000 + index * 7919} 1 udp ${2_122_260_223 - index * 1_000} ${address} ${port} typ ${kind}${related} generation 0 ufrag ${side === 'client' ? 'Cq7h' : 'Rd9k'} network-id 1 network-cost 10`,
    sdpMid: '0',
    sdpMLineIndex: 0,
    usernameFragment: side === 'client' ? 'Cq7h' : 'Rd9k',
  };
}

/**
 * One call's signalling as the app's ReadingCall sends it: a hello from each side, the client's offer
 * and the reader's answer (SDPs of about `sdpBytes`), `candidatesPerSide` ICE candidates from each
 * side in turn, and the client's bye.
 */
export function typicalCallSignals(sessions: Record<SignalSide, string>, { sdpBytes = 4_096, candidatesPerSide = 8 } = {}): CallSignal[] {
  const signal = (from: SignalSide, event: CallSignal['event'], extra: Record<string, unknown> = {}): CallSignal => ({
    from,
    event,
    payload: { session: sessions[from], ...extra },
  });
  return [
    signal('client', 'hello'),
    signal('reader', 'hello'),
    signal('client', 'offer', { sdp: sdpOfAbout(sdpBytes, 'client') }),
    signal('reader', 'answer', { sdp: sdpOfAbout(sdpBytes, 'reader') }),
    ...Array.from({ length: candidatesPerSide }, (_, index) => [
      signal('client', 'ice', { candidate: candidate('client', index) }),
      signal('reader', 'ice', { candidate: candidate('reader', index) }),
    ]).flat(),
    signal('client', 'bye'),
  ];
}

/** What supabase-js is given to send: `{ type: 'broadcast', event, payload }` as JSON. */
export function signalBytes(signal: CallSignal): number {
  return Buffer.byteLength(JSON.stringify({ type: 'broadcast', event: signal.event, payload: signal.payload }));
}

/** Messages by event: `{ hello: 2, offer: 1, ... }`. */
export function signalsByEvent(signals: readonly CallSignal[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const signal of signals) counts[signal.event] = (counts[signal.event] ?? 0) + 1;
  return counts;
}
