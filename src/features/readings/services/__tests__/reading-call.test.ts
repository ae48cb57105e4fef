import { afterEach, beforeEach, describe, expect, test, vi } from 'vitest';
import { ReadingCall, type CallRole, type SignallingChannel } from '@/features/readings/services/reading-call';
import type { SignalEvent } from '@/features/readings/services/reading-signalling';

const refused = (name: string) => Promise.reject(new DOMException('refused', name));

/** Enough of RTCPeerConnection for the call: descriptions and candidates as a browser keeps them, and events the test fires. */
class FakePeerConnection {
  connectionState: RTCPeerConnectionState = 'new';
  signalingState: RTCSignalingState = 'stable';
  localDescription: RTCSessionDescriptionInit | null = null;
  remoteDescription: RTCSessionDescriptionInit | null = null;
  readonly candidates: RTCIceCandidateInit[] = [];
  /** Every remote description applied: a browser keeps a connection to one remote connection (its DTLS fingerprint). */
  readonly remoteHistory: string[] = [];
  readonly tracks: MediaStreamTrack[] = [];
  readonly transceivers: { kind: string; direction: RTCRtpTransceiverDirection | undefined }[] = [];
  onicecandidate: ((event: { candidate: { toJSON(): RTCIceCandidateInit } | null }) => void) | null = null;
  ontrack: ((event: { streams: MediaStream[]; track: MediaStreamTrack }) => void) | null = null;
  onconnectionstatechange: (() => void) | null = null;
  private offers = 0;

  /** `name` starts its descriptions, telling apart those of two browsers. */
  constructor(
    readonly config: RTCConfiguration,
    readonly name = '',
  ) {}

  addTrack(track: MediaStreamTrack) {
    this.tracks.push(track);
  }

  addTransceiver(kind: string, init?: RTCRtpTransceiverInit) {
    this.transceivers.push({ kind, direction: init?.direction });
  }

  createOffer({ iceRestart = false }: RTCOfferOptions = {}) {
    this.offers += 1;
    return Promise.resolve({ type: 'offer' as const, sdp: `${this.name}offer ${this.offers}${iceRestart ? ' ice-restart' : ''}` });
  }

  createAnswer() {
    return Promise.resolve({ type: 'answer' as const, sdp: `${this.name}answer to ${this.remoteDescription?.sdp}` });
  }

  setLocalDescription(description: RTCSessionDescriptionInit) {
    this.localDescription = description;
    this.signalingState = description.type === 'offer' ? 'have-local-offer' : 'stable';
    return Promise.resolve();
  }

  setRemoteDescription(description: RTCSessionDescriptionInit) {
    if (description.type === 'answer' && this.signalingState !== 'have-local-offer') return refused('InvalidStateError');
    if (description.sdp?.includes('garbled')) return refused('OperationError');
    this.remoteDescription = description;
    this.remoteHistory.push(description.sdp ?? '');
    this.signalingState = description.type === 'offer' ? 'have-remote-offer' : 'stable';
    return Promise.resolve();
  }

  addIceCandidate(candidate: RTCIceCandidateInit) {
    if (!this.remoteDescription) return refused('InvalidStateError');
    if (candidate.candidate?.includes('garbled')) return refused('OperationError');
    this.candidates.push(candidate);
    return Promise.resolve();
  }

  close() {
    this.connectionState = 'closed';
    this.signalingState = 'closed';
  }

  /** The browser's ICE and DTLS report a new state. */
  becomes(state: RTCPeerConnectionState) {
    this.connectionState = state;
    this.onconnectionstatechange?.();
  }

  gathers(candidate: RTCIceCandidateInit) {
    this.onicecandidate?.({ candidate: { toJSON: () => candidate } });
  }
}

function fakeTrack(kind: 'audio' | 'video') {
  const track = {
    kind,
    enabled: true,
    readyState: 'live',
    stop: () => {
      track.readyState = 'ended';
    },
  };
  return track as unknown as MediaStreamTrack;
}

function fakeLocalStream(kinds: ('audio' | 'video')[] = ['audio', 'video']) {
  const tracks = kinds.map(fakeTrack);
  return {
    getTracks: () => tracks,
    getAudioTracks: () => tracks.filter((track) => track.kind === 'audio'),
    getVideoTracks: () => tracks.filter((track) => track.kind === 'video'),
  } as unknown as MediaStream;
}

/** The channel between the two browsers, as one of them sees it: what it sent, and what the test makes arrive. */
function fakeSignalling() {
  const sent: { event: SignalEvent; payload: Record<string, unknown> }[] = [];
  let deliver: (event: string, payload: unknown) => void = () => {};
  let report: (subscribed: boolean) => void = () => {};
  const signalling = {
    send: vi.fn((event: SignalEvent, payload: Record<string, unknown>) => {
      sent.push({ event, payload });
      return Promise.resolve();
    }),
    onMessage: (handler: (event: string, payload: unknown) => void) => {
      deliver = handler;
    },
    onStatus: (handler: (subscribed: boolean) => void) => {
      report = handler;
    },
    subscribe: vi.fn(),
    close: vi.fn(() => Promise.resolve()),
  } satisfies SignallingChannel;
  return {
    signalling,
    sent,
    sentOf: (event: SignalEvent) => sent.filter((message) => message.event === event).map((message) => message.payload),
    receive: (event: string, payload: unknown) => deliver(event, payload),
    status: (subscribed: boolean) => report(subscribed),
  };
}

const READER = 'reader-session-1';
const NEW_READER = 'reader-session-2';
const CLIENT = 'client-session-1';
const NEW_CLIENT = 'client-session-2';
const CANDIDATE = { candidate: 'candidate:1 1 udp 2122260223 192.0.2.1 54400 typ host', sdpMid: '0', sdpMLineIndex: 0, usernameFragment: 'abcd' };

const settle = () => vi.advanceTimersByTimeAsync(0);

function setUp(role: CallRole, { localStream = fakeLocalStream(), reconnectGraceMs = undefined as number | undefined } = {}) {
  const channel = fakeSignalling();
  const connections: FakePeerConnection[] = [];
  const log = vi.fn();
  const call = new ReadingCall({
    role,
    signalling: channel.signalling,
    localStream,
    iceServers: [{ urls: 'stun:stun.example.org:3478' }],
    createPeerConnection: (config) => {
      const pc = new FakePeerConnection(config);
      connections.push(pc);
      return pc as unknown as RTCPeerConnection;
    },
    reconnectGraceMs,
    log,
  });
  const pc = () => {
    const last = connections.at(-1);
    if (!last) throw new Error('no peer connection was made');
    return last;
  };
  /** The session this page sent its last signal from. */
  const ownSession = () => channel.sent.at(-1)?.payload.session;
  return { call, channel, connections, pc, log, localStream, ownSession };
}

type Setup = ReturnType<typeof setUp>;

/** A client whose offer the reader answered, and whose connection is up. */
async function connectedClient(): Promise<Setup> {
  const setup = setUp('client');
  setup.call.start();
  setup.channel.status(true);
  setup.channel.receive('hello', { session: READER });
  await settle();
  setup.channel.receive('answer', { session: READER, sdp: 'answer 1' });
  await settle();
  setup.pc().becomes('connected');
  return setup;
}

/** A reader that answered the client's offer, and whose connection is up. */
async function connectedReader(): Promise<Setup> {
  const setup = setUp('reader');
  setup.call.start();
  setup.channel.status(true);
  setup.channel.receive('hello', { session: CLIENT });
  setup.channel.receive('offer', { session: CLIENT, sdp: 'offer 1' });
  await settle();
  setup.pc().becomes('connected');
  return setup;
}

beforeEach(() => {
  vi.useFakeTimers();
});

afterEach(() => {
  vi.useRealTimers();
  vi.unstubAllGlobals();
});

describe('ReadingCall, the client', () => {
  test('says hello when its channel subscribes, and offers to the reader who says hello', async () => {
    const { call, channel, pc } = setUp('client');
    call.start();
    expect(channel.signalling.subscribe).toHaveBeenCalledTimes(1);
    expect(pc().config).toEqual({ iceServers: [{ urls: 'stun:stun.example.org:3478' }] });
    expect(pc().tracks.map((track) => track.kind)).toEqual(['audio', 'video']);

    channel.status(true);
    await settle();
    const [hello] = channel.sentOf('hello');
    expect(typeof hello?.session).toBe('string');
    expect(channel.sentOf('offer')).toEqual([]);

    channel.receive('hello', { session: READER });
    await settle();
    expect(channel.sentOf('offer')).toEqual([{ session: hello?.session, sdp: 'offer 1' }]);
    expect(call.getSnapshot().phase).toBe('connecting');
  });

  test('asks to receive video it cannot send, so the reader is seen when its own camera is blocked', () => {
    const client = setUp('client', { localStream: fakeLocalStream(['audio']) });
    client.call.start();
    expect(client.pc().transceivers).toEqual([{ kind: 'video', direction: 'recvonly' }]);
    // The reader only answers: the client's offer decides what media the call has.
    const reader = setUp('reader', { localStream: fakeLocalStream(['audio']) });
    reader.call.start();
    expect(reader.pc().transceivers).toEqual([]);
  });

  test("applies the reader's answer, and the candidates that arrived before it", async () => {
    const { call, channel, pc } = setUp('client');
    call.start();
    channel.status(true);
    channel.receive('hello', { session: READER });
    channel.receive('ice', { session: READER, candidate: CANDIDATE });
    await settle();
    expect(pc().candidates).toEqual([]);

    channel.receive('answer', { session: READER, sdp: 'answer 1' });
    await settle();
    expect(pc().remoteDescription).toEqual({ type: 'answer', sdp: 'answer 1' });
    expect(pc().candidates).toEqual([CANDIDATE]);

    channel.receive('ice', { session: READER, candidate: { ...CANDIDATE, sdpMLineIndex: 1 } });
    await settle();
    expect(pc().candidates).toHaveLength(2);
  });

  test('sends its own candidates from its session', async () => {
    const { call, channel, pc, ownSession } = setUp('client');
    call.start();
    channel.status(true);
    await settle();
    const session = ownSession();
    pc().gathers(CANDIDATE);
    expect(channel.sentOf('ice')).toEqual([{ session, candidate: CANDIDATE }]);
  });

  test('starts a new connection for a reader that says hello from a new one, and ignores the old one after', async () => {
    const { call, channel, connections, pc } = await connectedClient();
    const [first] = connections;
    const firstSession = channel.sentOf('offer')[0]?.session;

    channel.receive('hello', { session: NEW_READER });
    await settle();
    expect(connections).toHaveLength(2);
    expect(first?.connectionState).toBe('closed');
    const [, offer] = channel.sentOf('offer');
    expect(offer?.sdp).toBe('offer 1');
    expect(typeof offer?.session).toBe('string');
    expect(offer?.session).not.toBe(firstSession);
    expect(call.getSnapshot().phase).toBe('reconnecting');

    channel.receive('answer', { session: READER, sdp: 'stale answer' });
    channel.receive('ice', { session: READER, candidate: CANDIDATE });
    channel.receive('hello', { session: READER });
    channel.receive('bye', { session: READER });
    await settle();
    expect(pc().remoteDescription).toBeNull();
    expect(connections).toHaveLength(2);
    expect(channel.sentOf('offer')).toHaveLength(2);
    expect(call.getSnapshot().phase).toBe('reconnecting');

    channel.receive('answer', { session: NEW_READER, sdp: 'answer 2' });
    await settle();
    pc().becomes('connected');
    expect(pc().remoteDescription).toEqual({ type: 'answer', sdp: 'answer 2' });
    expect(call.getSnapshot().phase).toBe('connected');
  });

  test('offers again when the reader says hello again before answering (the offer may have been lost)', async () => {
    const { call, channel } = setUp('client');
    call.start();
    channel.status(true);
    channel.receive('hello', { session: READER });
    channel.receive('hello', { session: READER });
    await settle();
    expect(channel.sentOf('offer').map((offer) => offer.sdp)).toEqual(['offer 1', 'offer 1']);
  });

  test('leaves a connected call alone when the reader says hello again (only its channel rejoined)', async () => {
    const { channel } = await connectedClient();
    channel.receive('hello', { session: READER });
    await settle();
    expect(channel.sentOf('offer')).toHaveLength(1);
  });

  test('restarts ICE when the connection fails, and applies the new answer', async () => {
    const { call, channel, pc } = await connectedClient();
    pc().becomes('failed');
    await settle();
    expect(call.getSnapshot().phase).toBe('reconnecting');
    expect(channel.sentOf('offer').at(-1)?.sdp).toBe('offer 2 ice-restart');

    channel.receive('answer', { session: READER, sdp: 'answer 2' });
    await settle();
    pc().becomes('connected');
    expect(pc().remoteDescription?.sdp).toBe('answer 2');
    expect(call.getSnapshot().phase).toBe('connected');
  });

  test('restarts ICE when the reader rejoins while the connection is down', async () => {
    const { channel, pc } = await connectedClient();
    pc().becomes('disconnected');
    channel.receive('hello', { session: READER });
    await settle();
    expect(channel.sentOf('offer').at(-1)?.sdp).toBe('offer 2 ice-restart');
  });

  test('when its own channel rejoins, says hello and restarts ICE on a connection that dropped meanwhile', async () => {
    const { call, channel, pc } = await connectedClient();
    channel.status(false);
    pc().becomes('disconnected');
    expect(call.getSnapshot().phase).toBe('reconnecting');
    channel.status(true);
    await settle();
    expect(channel.sentOf('hello')).toHaveLength(2);
    expect(channel.sentOf('offer').at(-1)?.sdp).toBe('offer 2 ice-restart');
  });

  test('keeps going after the reader sends a description or candidate the browser refuses', async () => {
    const { call, channel, pc, log } = setUp('client');
    call.start();
    channel.status(true);
    channel.receive('hello', { session: READER });
    channel.receive('answer', { session: READER, sdp: 'garbled answer' });
    await settle();
    expect(log).toHaveBeenCalledWith('Reading call: a signalling step failed.', expect.any(DOMException));

    channel.receive('answer', { session: READER, sdp: 'answer 1' });
    channel.receive('ice', { session: READER, candidate: { ...CANDIDATE, candidate: 'garbled' } });
    channel.receive('ice', { session: READER, candidate: CANDIDATE });
    await settle();
    expect(log).toHaveBeenCalledWith('Reading call: an ICE candidate was refused.', expect.any(DOMException));
    expect(pc().remoteDescription?.sdp).toBe('answer 1');
    expect(pc().candidates).toEqual([CANDIDATE]);
    expect(call.getSnapshot().phase).toBe('connecting');
  });

  test('ignores malformed signals without throwing', async () => {
    const { call, channel, pc } = setUp('client');
    call.start();
    channel.status(true);
    channel.receive('hello', { session: READER });
    await settle();
    const malformed: [string, unknown][] = [
      ['answer', null],
      ['answer', 'answer 1'],
      ['answer', [READER, 'answer 1']],
      ['answer', { session: 7, sdp: 'answer 1' }],
      ['answer', { session: '', sdp: 'answer 1' }],
      ['answer', { session: 'r'.repeat(101), sdp: 'answer 1' }],
      ['answer', { session: READER }],
      ['answer', { session: READER, sdp: '' }],
      ['answer', { session: READER, sdp: { type: 'answer' } }],
      ['answer', { session: READER, sdp: 'a'.repeat(100_001) }],
      ['ice', { session: READER }],
      ['ice', { session: READER, candidate: 'candidate:1' }],
      ['ice', { session: READER, candidate: { candidate: 'candidate:1' } }],
      ['ice', { session: READER, candidate: { ...CANDIDATE, candidate: 'c'.repeat(1001) } }],
      ['ice', { session: READER, candidate: { ...CANDIDATE, candidate: 42 } }],
      ['ice', { session: READER, candidate: { ...CANDIDATE, sdpMid: 0 } }],
      ['ice', { session: READER, candidate: { ...CANDIDATE, sdpMLineIndex: -1 } }],
      ['ice', { session: READER, candidate: { ...CANDIDATE, sdpMLineIndex: 0.5 } }],
      ['ice', { session: READER, candidate: { ...CANDIDATE, sdpMLineIndex: '0' } }],
      ['ice', { session: READER, candidate: { ...CANDIDATE, usernameFragment: 'u'.repeat(257) } }],
      ['hello', { session: { id: NEW_READER } }],
      ['bye', { session: null }],
      ['ring', { session: READER }],
      ['__proto__', { session: READER }],
    ];
    for (const [event, payload] of malformed) expect(() => channel.receive(event, payload), event).not.toThrow();
    await settle();
    expect(pc().remoteDescription).toBeNull();
    expect(channel.sentOf('offer')).toHaveLength(1);
    expect(call.getSnapshot().phase).toBe('connecting');

    // Unknown fields are dropped; the known ones still count.
    channel.receive('answer', { session: READER, sdp: 'answer 1', type: 'offer', extra: true });
    channel.receive('ice', { session: READER, candidate: { ...CANDIDATE, sdpMid: null, evil: 'x' } });
    await settle();
    expect(pc().remoteDescription).toEqual({ type: 'answer', sdp: 'answer 1' });
    expect(pc().candidates).toEqual([{ ...CANDIDATE, sdpMid: null }]);
  });
});

describe('ReadingCall, the reader', () => {
  test('says hello when its channel subscribes, and once to each client connection that says hello', async () => {
    const { call, channel } = setUp('reader');
    call.start();
    channel.status(true);
    await settle();
    const [hello] = channel.sentOf('hello');
    expect(typeof hello?.session).toBe('string');

    channel.receive('hello', { session: CLIENT });
    channel.receive('hello', { session: CLIENT });
    await settle();
    expect(channel.sentOf('hello')).toEqual([hello, hello]);
  });

  test("answers the client's offer, applies the candidates, and answers a repeated offer again", async () => {
    const { call, channel, pc, ownSession } = setUp('reader');
    call.start();
    channel.status(true);
    await settle();
    const session = ownSession();
    channel.receive('offer', { session: CLIENT, sdp: 'offer 1' });
    channel.receive('ice', { session: CLIENT, candidate: CANDIDATE });
    await settle();
    expect(pc().remoteDescription).toEqual({ type: 'offer', sdp: 'offer 1' });
    expect(channel.sentOf('answer')).toEqual([{ session, sdp: 'answer to offer 1' }]);
    expect(pc().candidates).toEqual([CANDIDATE]);
    expect(pc().transceivers).toEqual([]);

    channel.receive('offer', { session: CLIENT, sdp: 'offer 1' });
    await settle();
    expect(channel.sentOf('answer')).toHaveLength(2);
  });

  test('starts afresh for a new client connection (a reload), and ignores the old one after', async () => {
    const { call, channel, connections, pc } = await connectedReader();
    const readerSession = channel.sentOf('answer')[0]?.session;

    channel.receive('hello', { session: NEW_CLIENT });
    await settle();
    expect(connections).toHaveLength(2);
    expect(connections[0]?.connectionState).toBe('closed');
    const newHello = channel.sentOf('hello').at(-1);
    expect(newHello?.session).not.toBe(readerSession);
    expect(call.getSnapshot().phase).toBe('reconnecting');

    channel.receive('offer', { session: CLIENT, sdp: 'stale offer' });
    channel.receive('ice', { session: CLIENT, candidate: CANDIDATE });
    channel.receive('hello', { session: CLIENT });
    await settle();
    expect(connections).toHaveLength(2);
    expect(pc().remoteDescription).toBeNull();

    channel.receive('offer', { session: NEW_CLIENT, sdp: 'offer 2' });
    await settle();
    expect(channel.sentOf('answer').at(-1)).toEqual({ session: newHello?.session, sdp: 'answer to offer 2' });
  });

  test('treats an offer from another client connection as its hello (which was lost): starts afresh and says hello', async () => {
    const { channel, connections, pc } = await connectedReader();
    channel.receive('offer', { session: NEW_CLIENT, sdp: 'offer 2' });
    await settle();
    expect(connections).toHaveLength(2);
    expect(pc().remoteDescription).toBeNull();
    expect(channel.sentOf('answer')).toHaveLength(1);
    expect(channel.sentOf('hello').at(-1)?.session).not.toBe(channel.sentOf('answer')[0]?.session);
  });

  test('never offers, even when the connection fails: the client restarts it', async () => {
    const { call, channel, pc } = await connectedReader();
    pc().becomes('failed');
    await settle();
    expect(channel.sentOf('offer')).toEqual([]);
    expect(call.getSnapshot().phase).toBe('reconnecting');
  });
});

describe('ReadingCall phases', () => {
  test('does not time out while waiting for the other side to first connect', async () => {
    const { call, channel } = setUp('client');
    call.start();
    channel.status(true);
    await vi.advanceTimersByTimeAsync(10 * 60_000);
    expect(call.getSnapshot().phase).toBe('connecting');
  });

  test('is lost when a connected call stays down for 30 seconds', async () => {
    const { call, channel, pc } = await connectedClient();
    expect(call.getSnapshot().phase).toBe('connected');
    pc().becomes('disconnected');
    expect(call.getSnapshot().phase).toBe('reconnecting');
    await vi.advanceTimersByTimeAsync(29_999);
    expect(call.getSnapshot().phase).toBe('reconnecting');
    await vi.advanceTimersByTimeAsync(1);
    expect(call.getSnapshot()).toMatchObject({ phase: 'lost', peerHungUp: false, remoteStream: null });
    expect(pc().connectionState).toBe('closed');
    expect(channel.signalling.close).toHaveBeenCalledTimes(1);
    expect(channel.sentOf('bye')).toEqual([]);
  });

  test('getting back to connected stops the clock, and a later drop has the whole grace time again', async () => {
    const { call, pc } = await connectedReader();
    pc().becomes('disconnected');
    await vi.advanceTimersByTimeAsync(20_000);
    pc().becomes('connected');
    expect(call.getSnapshot().phase).toBe('connected');
    await vi.advanceTimersByTimeAsync(60_000);
    expect(call.getSnapshot().phase).toBe('connected');

    pc().becomes('disconnected');
    await vi.advanceTimersByTimeAsync(29_000);
    expect(call.getSnapshot().phase).toBe('reconnecting');
  });

  test('a signalling channel that drops while media flows leaves the call connected, however long', async () => {
    const { call, channel, pc } = await connectedClient();
    channel.status(false);
    expect(call.getSnapshot().phase).toBe('connected');
    await vi.advanceTimersByTimeAsync(60_000);
    expect(call.getSnapshot().phase).toBe('connected');
    // Once the media drops too, the grace time runs as for any drop.
    pc().becomes('disconnected');
    expect(call.getSnapshot().phase).toBe('reconnecting');
    channel.status(true);
    pc().becomes('connected');
    expect(call.getSnapshot().phase).toBe('connected');
  });

  test('uses the grace time it is given', async () => {
    const { call, channel, pc } = setUp('reader', { reconnectGraceMs: 5_000 });
    call.start();
    channel.status(true);
    channel.receive('offer', { session: CLIENT, sdp: 'offer 1' });
    await settle();
    pc().becomes('connected');
    pc().becomes('disconnected');
    await vi.advanceTimersByTimeAsync(5_000);
    expect(call.getSnapshot().phase).toBe('lost');
  });

  test("the other side's bye ends the call as hung up by them", async () => {
    const { call, channel, pc } = await connectedClient();
    channel.receive('bye', { session: READER });
    await settle();
    expect(call.getSnapshot()).toMatchObject({ phase: 'hung-up', peerHungUp: true });
    expect(pc().connectionState).toBe('closed');
    expect(channel.signalling.close).toHaveBeenCalledTimes(1);
  });

  test("a bye before any offer counts, from the reader's first hello on", async () => {
    const { call, channel } = setUp('reader');
    call.start();
    channel.status(true);
    channel.receive('hello', { session: CLIENT });
    channel.receive('bye', { session: CLIENT });
    await settle();
    expect(call.getSnapshot()).toMatchObject({ phase: 'hung-up', peerHungUp: true });
  });

  test('hanging up says bye from this connection before leaving the channel, and leaves the local tracks to their owner', async () => {
    const { call, channel, pc, localStream, ownSession } = await connectedReader();
    const session = ownSession();
    const order: string[] = [];
    channel.signalling.send.mockImplementation((event: SignalEvent) => {
      order.push(event);
      return Promise.resolve();
    });
    channel.signalling.close.mockImplementation(() => {
      order.push('close');
      return Promise.resolve();
    });
    await call.hangUp();
    expect(order).toEqual(['bye', 'close']);
    expect(channel.signalling.send).toHaveBeenLastCalledWith('bye', { session });
    expect(call.getSnapshot()).toMatchObject({ phase: 'hung-up', peerHungUp: false });
    expect(pc().connectionState).toBe('closed');
    expect(localStream.getTracks().map((track) => track.readyState)).toEqual(['live', 'live']);
  });

  test('hanging up still leaves the channel when the bye cannot be sent', async () => {
    const { call, channel, log } = await connectedClient();
    channel.signalling.send.mockRejectedValue(new Error('timed out'));
    await call.hangUp();
    expect(log).toHaveBeenCalledWith('Reading call: could not send "bye".', expect.any(Error));
    expect(channel.signalling.close).toHaveBeenCalledTimes(1);
  });

  test('closing ends everything without a bye, keeps the local tracks, ignores what comes after, and is safe twice', async () => {
    const { call, channel, pc, localStream, connections } = await connectedClient();
    await Promise.all([call.close(), call.close()]);
    expect(call.getSnapshot()).toMatchObject({ phase: 'closed', remoteStream: null });
    expect(pc().connectionState).toBe('closed');
    expect(channel.signalling.close).toHaveBeenCalledTimes(1);
    expect(channel.sentOf('bye')).toEqual([]);
    expect(localStream.getTracks().map((track) => track.readyState)).toEqual(['live', 'live']);

    channel.receive('hello', { session: NEW_READER });
    channel.status(false);
    await vi.advanceTimersByTimeAsync(60_000);
    expect(connections).toHaveLength(1);
    expect(call.getSnapshot().phase).toBe('closed');
  });

  test('a call that was lost stays lost when its owner closes it', async () => {
    const { call, pc } = await connectedClient();
    pc().becomes('failed');
    await vi.advanceTimersByTimeAsync(30_000);
    await call.close();
    expect(call.getSnapshot().phase).toBe('lost');
  });
});

describe('ReadingCall media', () => {
  test('mute and camera off disable the local tracks and show in the snapshot, which changes only then', () => {
    const { call, localStream } = setUp('client');
    const listener = vi.fn();
    call.subscribe(listener);
    const before = call.getSnapshot();
    expect(call.getSnapshot()).toBe(before);

    call.setMuted(true);
    expect(localStream.getAudioTracks().map((track) => track.enabled)).toEqual([false]);
    expect(localStream.getVideoTracks().map((track) => track.enabled)).toEqual([true]);
    expect(call.getSnapshot()).toMatchObject({ muted: true, cameraOff: false });
    expect(call.getSnapshot()).not.toBe(before);

    const muted = call.getSnapshot();
    call.setMuted(true);
    expect(call.getSnapshot()).toBe(muted);
    expect(listener).toHaveBeenCalledTimes(1);

    call.setCameraOff(true);
    expect(localStream.getVideoTracks().map((track) => track.enabled)).toEqual([false]);
    call.setMuted(false);
    call.setCameraOff(false);
    expect(localStream.getTracks().every((track) => track.enabled)).toBe(true);
    expect(call.getSnapshot()).toMatchObject({ muted: false, cameraOff: false });
    expect(listener).toHaveBeenCalledTimes(4);
  });

  test("shows the other side's stream as its tracks arrive", async () => {
    const { call, pc } = await connectedClient();
    const remote = { id: 'remote' } as unknown as MediaStream;
    pc().ontrack?.({ streams: [remote], track: fakeTrack('audio') });
    pc().ontrack?.({ streams: [remote], track: fakeTrack('video') });
    expect(call.getSnapshot().remoteStream).toBe(remote);
  });

  test('gathers tracks that come without a stream into one', async () => {
    class FakeMediaStream {
      readonly tracks: MediaStreamTrack[] = [];
      addTrack(track: MediaStreamTrack) {
        this.tracks.push(track);
      }
    }
    vi.stubGlobal('MediaStream', FakeMediaStream);
    const { call, pc } = await connectedClient();
    const audio = fakeTrack('audio');
    const video = fakeTrack('video');
    pc().ontrack?.({ streams: [], track: audio });
    pc().ontrack?.({ streams: [], track: video });
    expect((call.getSnapshot().remoteStream as unknown as FakeMediaStream).tracks).toEqual([audio, video]);
  });

  test('unsubscribed listeners hear nothing more', () => {
    const { call } = setUp('reader');
    const listener = vi.fn();
    const unsubscribe = call.subscribe(listener);
    unsubscribe();
    call.setMuted(true);
    expect(listener).not.toHaveBeenCalled();
  });
});

/**
 * The reading's topic between pages: a message reaches the pages that are subscribed when it
 * arrives, a moment after it is sent, as JSON; a page that is not subscribed misses it.
 */
function fakeTopic() {
  const receivers = new Set<(event: string, payload: unknown) => void>();
  function join() {
    let deliver: (event: string, payload: unknown) => void = () => {};
    let report: (subscribed: boolean) => void = () => {};
    let subscribed = false;
    const receive = (event: string, payload: unknown) => {
      if (subscribed) deliver(event, payload);
    };
    const setSubscribed = (value: boolean) => {
      subscribed = value;
      report(value);
    };
    receivers.add(receive);
    const signalling: SignallingChannel = {
      send: (event, payload) => {
        const wire: unknown = JSON.parse(JSON.stringify(payload));
        for (const other of receivers) if (other !== receive) void Promise.resolve().then(() => other(event, wire));
        return Promise.resolve();
      },
      onMessage: (handler) => {
        deliver = handler;
      },
      onStatus: (handler) => {
        report = handler;
      },
      subscribe: () => void Promise.resolve().then(() => setSubscribed(true)),
      close: () => {
        receivers.delete(receive);
        subscribed = false;
        return Promise.resolve();
      },
    };
    return { signalling, drop: () => setSubscribed(false), rejoin: () => setSubscribed(true) };
  }
  return { join };
}

/** One browser's page in the reading room: its call on the shared topic, and every peer connection it made. */
function openPage(topic: ReturnType<typeof fakeTopic>, role: CallRole, name: string) {
  const page = topic.join();
  const connections: FakePeerConnection[] = [];
  const call = new ReadingCall({
    role,
    signalling: page.signalling,
    localStream: fakeLocalStream(),
    iceServers: [],
    createPeerConnection: (config) => {
      const pc = new FakePeerConnection(config, `${name}.${connections.length + 1} `);
      connections.push(pc);
      return pc as unknown as RTCPeerConnection;
    },
  });
  call.start();
  const pc = () => connections.at(-1) as FakePeerConnection;
  return { call, pc, connections, drop: page.drop, rejoin: page.rejoin };
}

/** Whether the two current connections hold each other's descriptions, offer and answer, and never had another's. */
function negotiated(client: ReturnType<typeof openPage>, reader: ReturnType<typeof openPage>) {
  const [offerer, answerer] = [client.pc(), reader.pc()];
  return (
    offerer.remoteHistory.every((sdp) => sdp.startsWith(answerer.name)) &&
    answerer.remoteHistory.every((sdp) => sdp.startsWith(offerer.name)) &&
    offerer.signalingState === 'stable' &&
    offerer.localDescription !== null &&
    offerer.localDescription.sdp === answerer.remoteDescription?.sdp &&
    answerer.localDescription?.sdp === offerer.remoteDescription?.sdp
  );
}

describe('ReadingCall between two browsers', () => {
  const settleAll = () => vi.advanceTimersByTimeAsync(0);

  test.each([
    ['the reader joins first', ['reader', 'client']],
    ['the client joins first', ['client', 'reader']],
  ] as const)('negotiate one connection when %s, and exchange candidates', async (_order, roles) => {
    const topic = fakeTopic();
    const pages: Partial<Record<CallRole, ReturnType<typeof openPage>>> = {};
    for (const role of roles) {
      pages[role] = openPage(topic, role, role);
      await settleAll();
    }
    const { client, reader } = pages as Record<CallRole, ReturnType<typeof openPage>>;
    expect(negotiated(client, reader)).toBe(true);
    expect([client.connections.length, reader.connections.length]).toEqual([1, 1]);

    client.pc().gathers(CANDIDATE);
    reader.pc().gathers({ ...CANDIDATE, usernameFragment: 'efgh' });
    await settleAll();
    expect(reader.pc().candidates).toEqual([CANDIDATE]);
    expect(client.pc().candidates).toEqual([{ ...CANDIDATE, usernameFragment: 'efgh' }]);
  });

  test('negotiate one connection when both join at once', async () => {
    const topic = fakeTopic();
    const reader = openPage(topic, 'reader', 'reader');
    const client = openPage(topic, 'client', 'client');
    await settleAll();
    expect(negotiated(client, reader)).toBe(true);
  });

  test('negotiate again after the reader reloads the page', async () => {
    const topic = fakeTopic();
    const client = openPage(topic, 'client', 'client');
    const reader = openPage(topic, 'reader', 'reader');
    await settleAll();
    await reader.call.close();
    const reloaded = openPage(topic, 'reader', 'reloaded-reader');
    await settleAll();
    expect(client.connections).toHaveLength(2);
    expect(negotiated(client, reloaded)).toBe(true);
  });

  test('negotiate again after the client reloads the page', async () => {
    const topic = fakeTopic();
    const client = openPage(topic, 'client', 'client');
    const reader = openPage(topic, 'reader', 'reader');
    await settleAll();
    await client.call.close();
    const reloaded = openPage(topic, 'client', 'reloaded-client');
    await settleAll();
    expect(reader.connections).toHaveLength(2);
    expect(negotiated(reloaded, reader)).toBe(true);
  });

  test("negotiate again after the client reloads while the reader's channel is down, so the new client's hello is lost", async () => {
    const topic = fakeTopic();
    const client = openPage(topic, 'client', 'client');
    const reader = openPage(topic, 'reader', 'reader');
    await settleAll();
    reader.drop();
    await client.call.close();
    const reloaded = openPage(topic, 'client', 'reloaded-client');
    await settleAll();
    reader.rejoin();
    await settleAll();
    expect(negotiated(reloaded, reader)).toBe(true);
  });

  test("restart ICE after both channels dropped and the client's connection failed meanwhile", async () => {
    const topic = fakeTopic();
    const client = openPage(topic, 'client', 'client');
    const reader = openPage(topic, 'reader', 'reader');
    await settleAll();
    client.pc().becomes('connected');
    client.drop();
    reader.drop();
    client.pc().becomes('failed');
    await settleAll();
    client.rejoin();
    await settleAll();
    reader.rejoin();
    await settleAll();
    expect(client.pc().localDescription?.sdp).toBe('client.1 offer 2 ice-restart');
    expect(negotiated(client, reader)).toBe(true);
  });
});
