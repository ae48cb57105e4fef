import type { SignalEvent } from '@/features/readings/services/reading-signalling';

export interface SignallingChannel {
  /** Sends one broadcast event to the other participant. */
  send(event: SignalEvent, payload: Record<string, unknown>): Promise<void>;
  /** Registers the handler for every received event (one handler). */
  onMessage(handler: (event: string, payload: unknown) => void): void;
  /** Reports whether the channel is subscribed, every time that changes. */
  onStatus(handler: (subscribed: boolean) => void): void;
  subscribe(): void;
  close(): Promise<void>;
}

/** The client offers, the reader answers: only one side ever offers, so offers never collide. */
export type CallRole = 'client' | 'reader';

/**
 * 'connecting' until the two browsers first connect (however long: the database ends a reading
 * nobody joins); 'reconnecting' while a call that was connected is not, or its signalling channel
 * is down, for at most the grace time, then 'lost'; 'hung-up' by either side (see peerHungUp);
 * 'closed' by the owner.
 */
export type CallPhase = 'connecting' | 'connected' | 'reconnecting' | 'lost' | 'hung-up' | 'closed';

export interface ReadingCallSnapshot {
  phase: CallPhase;
  remoteStream: MediaStream | null;
  muted: boolean;
  cameraOff: boolean;
  /** Whether the 'hung-up' phase is the other participant's doing. */
  peerHungUp: boolean;
}

export interface ReadingCallOptions {
  role: CallRole;
  signalling: SignallingChannel;
  /** The owner's camera and microphone; the call never stops its tracks. */
  localStream: MediaStream;
  iceServers: RTCIceServer[];
  createPeerConnection?: (config: RTCConfiguration) => RTCPeerConnection;
  /** How long a connected call may be reconnecting before it is lost. */
  reconnectGraceMs?: number;
  log?: (message: string, error: unknown) => void;
}

export const RECONNECT_GRACE_MS = 30_000;

// The other participant is, at worst, a signed-in stranger: everything they send is checked
// against these bounds, and what fails is dropped.
const MAX_SESSION_LENGTH = 100;
const MAX_SDP_LENGTH = 100_000;
const MAX_CANDIDATE_LENGTH = 1_000;
const MAX_MID_LENGTH = 100;
// RFC 8839: an ICE username fragment is 4 to 256 characters.
const MAX_USERNAME_FRAGMENT_LENGTH = 256;
const MAX_M_LINE_INDEX = 1_000;
// Candidates waiting for a remote description: a real peer sends a few dozen at most.
const MAX_PENDING_CANDIDATES = 100;
// Late messages come from the last connection or two; only a hostile peer changes it more often.
const MAX_RETIRED_SESSIONS = 20;

type Signal =
  | { event: 'hello' | 'bye'; session: string }
  | { event: 'offer' | 'answer'; session: string; sdp: string }
  | { event: 'ice'; session: string; candidate: RTCIceCandidateInit };

type EndPhase = Extract<CallPhase, 'lost' | 'hung-up' | 'closed'>;

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);
const isText = (value: unknown, maxLength: number): value is string => typeof value === 'string' && value.length <= maxLength;
const isSession = (value: unknown): value is string => isText(value, MAX_SESSION_LENGTH) && value !== '';
const isSdp = (value: unknown): value is string => isText(value, MAX_SDP_LENGTH) && value !== '';
const isMid = (value: unknown): value is string => isText(value, MAX_MID_LENGTH);
const isUsernameFragment = (value: unknown): value is string => isText(value, MAX_USERNAME_FRAGMENT_LENGTH);
const isMLineIndex = (value: unknown): value is number => typeof value === 'number' && Number.isInteger(value) && value >= 0 && value <= MAX_M_LINE_INDEX;

function absentOr<T>(value: unknown, check: (present: unknown) => present is T): value is T | null | undefined {
  return value === undefined || value === null || check(value);
}

/** Only the known fields, each checked; addIceCandidate needs a media section named one way or the other. */
function parseCandidate(value: unknown): RTCIceCandidateInit | null {
  if (!isRecord(value)) return null;
  const { candidate, sdpMid, sdpMLineIndex, usernameFragment } = value;
  if (!isText(candidate, MAX_CANDIDATE_LENGTH) || !absentOr(sdpMid, isMid) || !absentOr(sdpMLineIndex, isMLineIndex)) return null;
  if (!absentOr(usernameFragment, isUsernameFragment)) return null;
  if ((sdpMid ?? null) === null && (sdpMLineIndex ?? null) === null) return null;
  return { candidate, sdpMid: sdpMid ?? null, sdpMLineIndex: sdpMLineIndex ?? null, usernameFragment: usernameFragment ?? null };
}

function parseSignal(event: string, payload: unknown): Signal | null {
  if (!isRecord(payload) || !isSession(payload.session)) return null;
  const { session } = payload;
  switch (event) {
    case 'hello':
    case 'bye':
      return { event, session };
    case 'offer':
    case 'answer':
      return isSdp(payload.sdp) ? { event, session, sdp: payload.sdp } : null;
    case 'ice': {
      const candidate = parseCandidate(payload.candidate);
      return candidate && { event, session, candidate };
    }
    default:
      return null;
  }
}

const INITIAL_SNAPSHOT: ReadingCallSnapshot = { phase: 'connecting', remoteStream: null, muted: false, cameraOff: false, peerHungUp: false };

/**
 * One reading's call between the client's and the reader's browsers: one RTCPeerConnection at a
 * time, negotiated over the reading's signalling channel.
 *
 * Every message carries `session`, the id of the sender's current peer connection. Each side says
 * `hello` when its channel subscribes; the reader also answers each client connection's hello,
 * once. A reader hello from a connection the client has not seen gets an offer, from a fresh peer
 * connection if the client's was already used; the reader answers offers from the client
 * connection it negotiated with, and starts afresh (new connection, new hello) when another one
 * appears. Messages from connections either side has moved on from are ignored. A call that
 * drops is restarted by the client (an ICE restart) when its connection fails, or when either
 * channel rejoins while it is down; if it is not back within the grace time it is lost.
 */
export class ReadingCall {
  private readonly role: CallRole;
  private readonly signalling: SignallingChannel;
  private readonly localStream: MediaStream;
  private readonly iceServers: RTCIceServer[];
  private readonly createPeerConnection: (config: RTCConfiguration) => RTCPeerConnection;
  private readonly reconnectGraceMs: number;
  private readonly log: (message: string, error: unknown) => void;

  /** Undefined before start() and after the call ended. */
  private pc: RTCPeerConnection | undefined;
  /** This page's current peer connection, as the other side knows it. */
  private session = '';
  /** The other side's connection this one negotiates with: for the client the reader's it offered to, for the reader the client's whose offer it took. */
  private peerSession: string | undefined;
  /** The other side's connections that were replaced: their late messages are ignored. */
  private readonly retiredPeerSessions = new Set<string>();
  /** The client connection this reader last said hello to. */
  private greetedSession: string | undefined;
  private pendingCandidates: RTCIceCandidateInit[] = [];
  private everConnected = false;
  private ended = false;
  private graceTimer: ReturnType<typeof setTimeout> | undefined;
  // Signals are handled one at a time, in order: negotiation steps must not interleave.
  private work: Promise<void> = Promise.resolve();
  private leaving: Promise<void> = Promise.resolve();
  private snapshot: ReadingCallSnapshot = INITIAL_SNAPSHOT;
  private readonly listeners = new Set<() => void>();

  constructor(options: ReadingCallOptions) {
    this.role = options.role;
    this.signalling = options.signalling;
    this.localStream = options.localStream;
    this.iceServers = options.iceServers;
    this.createPeerConnection = options.createPeerConnection ?? ((config) => new RTCPeerConnection(config));
    this.reconnectGraceMs = options.reconnectGraceMs ?? RECONNECT_GRACE_MS;
    this.log = options.log ?? ((message, error) => console.warn(message, error));
  }

  /** The same object until something changes (for useSyncExternalStore). */
  readonly getSnapshot = (): ReadingCallSnapshot => this.snapshot;

  readonly subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  /** Joins the signalling channel with a first peer connection; safe to call twice. */
  start(): void {
    if (this.pc || this.ended) return;
    this.replacePeerConnection();
    this.signalling.onMessage((event, payload) => {
      const signal = parseSignal(event, payload);
      if (signal) this.run(() => this.handle(signal));
    });
    this.signalling.onStatus((subscribed) => {
      if (subscribed) this.run(() => this.joined());
    });
    this.signalling.subscribe();
  }

  setMuted(muted: boolean): void {
    for (const track of this.localStream.getAudioTracks()) track.enabled = !muted;
    this.setState({ muted });
  }

  setCameraOff(cameraOff: boolean): void {
    for (const track of this.localStream.getVideoTracks()) track.enabled = !cameraOff;
    this.setState({ cameraOff });
  }

  /** Ends the call and tells the other side; settles once the channel is closed. */
  hangUp(): Promise<void> {
    return this.end('hung-up', { sayBye: true });
  }

  /** Ends the call without a word to the other side (the reading ended, the page closes); safe to call twice. */
  close(): Promise<void> {
    return this.end('closed');
  }

  /** The current peer connection, for the steps that run only while the call is on. */
  private get connection(): RTCPeerConnection {
    if (!this.pc) throw new Error('The call is not on.');
    return this.pc;
  }

  private run(step: () => Promise<void>): void {
    this.work = this.work.then(async () => {
      if (this.ended) return;
      try {
        await step();
      } catch (error) {
        // A refused description or candidate leaves the call as it was; the next offer may do better.
        if (!this.ended) this.log('Reading call: a signalling step failed.', error);
      }
    });
  }

  private async handle(signal: Signal): Promise<void> {
    if (this.retiredPeerSessions.has(signal.session)) return;
    switch (signal.event) {
      case 'hello':
        return this.role === 'client' ? this.readerSaidHello(signal.session) : this.clientSaidHello(signal.session);
      case 'offer':
        if (this.role === 'reader') await this.clientOffered(signal.session, signal.sdp);
        return;
      case 'answer':
        if (this.role === 'client') await this.readerAnswered(signal.session, signal.sdp);
        return;
      case 'ice':
        if (signal.session === this.peerSession) await this.addCandidates([signal.candidate]);
        return;
      case 'bye':
        // Before any negotiation the peer's connection is not known yet, but its goodbye counts.
        if (this.peerSession === undefined || signal.session === this.peerSession) void this.end('hung-up', { peerHungUp: true });
        return;
    }
  }

  /** The channel (re)subscribed: messages sent while it was down are lost. */
  private async joined(): Promise<void> {
    this.sendSignal('hello', {});
    // The reader says hello once to each client connection, so a client that rejoins carries on by itself.
    if (this.role === 'client' && this.peerSession !== undefined) await this.resumeNegotiation();
  }

  private async readerSaidHello(readerSession: string): Promise<void> {
    if (readerSession === this.peerSession) return this.resumeNegotiation();
    this.retirePeerSession();
    this.peerSession = readerSession;
    if (this.connection.localDescription) this.replacePeerConnection();
    await this.offer({ iceRestart: false });
  }

  /** Offers again what the reader may have missed, or restarts ICE on a connection that dropped. */
  private async resumeNegotiation(): Promise<void> {
    const { signalingState, connectionState } = this.connection;
    if (signalingState === 'have-local-offer') this.sendDescription('offer');
    else if (connectionState === 'disconnected' || connectionState === 'failed') await this.offer({ iceRestart: true });
  }

  private async offer(options: { iceRestart: boolean }): Promise<void> {
    const pc = this.connection;
    await pc.setLocalDescription(await pc.createOffer(options));
    this.sendDescription('offer');
  }

  private async readerAnswered(readerSession: string, sdp: string): Promise<void> {
    const pc = this.connection;
    // An answer the client no longer waits for (a repeat, or to an offer it replaced) would be refused anyway.
    if (readerSession !== this.peerSession || pc.signalingState !== 'have-local-offer') return;
    await pc.setRemoteDescription({ type: 'answer', sdp });
    await this.addCandidates(this.takePendingCandidates());
  }

  private clientSaidHello(clientSession: string): void {
    if (this.peerSession !== undefined && clientSession !== this.peerSession) return this.startAfreshFor(clientSession);
    if (clientSession === this.greetedSession) return;
    this.greetedSession = clientSession;
    this.sendSignal('hello', {});
  }

  private async clientOffered(clientSession: string, sdp: string): Promise<void> {
    // An offer from another client connection means its hello was lost.
    if (this.peerSession !== undefined && clientSession !== this.peerSession) return this.startAfreshFor(clientSession);
    const pc = this.connection;
    this.peerSession = clientSession;
    // A repeated offer is answered again: the first answer may have been lost.
    await pc.setRemoteDescription({ type: 'offer', sdp });
    await pc.setLocalDescription(await pc.createAnswer());
    this.sendDescription('answer');
    await this.addCandidates(this.takePendingCandidates());
  }

  /**
   * A connection negotiated with one client connection is no use to another (a reload, most
   * likely): the reader replaces it and says hello from the new one, and the client offers to that.
   */
  private startAfreshFor(clientSession: string): void {
    this.retirePeerSession();
    this.peerSession = undefined;
    this.replacePeerConnection();
    this.greetedSession = clientSession;
    this.sendSignal('hello', {});
  }

  private retirePeerSession(): void {
    if (this.peerSession === undefined) return;
    this.retiredPeerSessions.add(this.peerSession);
    const [oldest] = this.retiredPeerSessions;
    if (this.retiredPeerSessions.size > MAX_RETIRED_SESSIONS && oldest !== undefined) this.retiredPeerSessions.delete(oldest);
  }

  /** Candidates that arrive before the description they belong to wait for it. */
  private async addCandidates(candidates: RTCIceCandidateInit[]): Promise<void> {
    const pc = this.connection;
    if (!pc.remoteDescription) {
      const room = MAX_PENDING_CANDIDATES - this.pendingCandidates.length;
      this.pendingCandidates.push(...candidates.slice(0, Math.max(0, room)));
      return;
    }
    for (const candidate of candidates) {
      try {
        await pc.addIceCandidate(candidate);
      } catch (error) {
        this.log('Reading call: an ICE candidate was refused.', error);
      }
    }
  }

  private takePendingCandidates(): RTCIceCandidateInit[] {
    const pending = this.pendingCandidates;
    this.pendingCandidates = [];
    return pending;
  }

  private replacePeerConnection(): void {
    this.pc?.close();
    const pc = this.createPeerConnection({ iceServers: this.iceServers });
    this.pc = pc;
    this.session = crypto.randomUUID();
    this.pendingCandidates = [];
    const tracks = this.localStream.getTracks();
    for (const track of tracks) pc.addTrack(track, this.localStream);
    // The offer decides what media the call has: the client asks to receive what it cannot send,
    // so that the reader's camera gets through when the client's is blocked.
    if (this.role === 'client') {
      for (const kind of ['audio', 'video']) if (!tracks.some((track) => track.kind === kind)) pc.addTransceiver(kind, { direction: 'recvonly' });
    }
    pc.onicecandidate = ({ candidate }) => {
      if (pc === this.pc && candidate) this.sendSignal('ice', { candidate: candidate.toJSON() });
    };
    pc.ontrack = (event) => {
      if (pc === this.pc) this.showRemoteTrack(event);
    };
    pc.onconnectionstatechange = () => {
      if (pc !== this.pc) return;
      if (this.role === 'client' && pc.connectionState === 'failed') this.run(() => this.offer({ iceRestart: true }));
      this.updatePhase();
    };
    this.setState({ remoteStream: null });
    this.updatePhase();
  }

  private showRemoteTrack({ streams, track }: RTCTrackEvent): void {
    const [stream] = streams;
    if (stream) {
      this.setState({ remoteStream: stream });
      return;
    }
    // A peer whose tracks come without a stream is still seen and heard.
    const gathered = this.snapshot.remoteStream ?? new MediaStream();
    gathered.addTrack(track);
    this.setState({ remoteStream: gathered });
  }

  private sendDescription(event: 'offer' | 'answer'): void {
    const sdp = this.pc?.localDescription?.sdp;
    if (sdp) this.sendSignal(event, { sdp });
  }

  /** Sends without waiting: a lost signal is made good by the next hello. */
  private sendSignal(event: SignalEvent, fields: Record<string, unknown>): void {
    void this.send(event, { session: this.session, ...fields });
  }

  private async send(event: SignalEvent, payload: Record<string, unknown>): Promise<void> {
    try {
      await this.signalling.send(event, payload);
    } catch (error) {
      this.log(`Reading call: could not send "${event}".`, error);
    }
  }

  private updatePhase(): void {
    if (this.ended || !this.pc) return;
    const connected = this.pc.connectionState === 'connected';
    if (connected) this.everConnected = true;
    // Media flowing is a call going on, whether or not the signalling channel is up meanwhile.
    const phase: CallPhase = !this.everConnected ? 'connecting' : connected ? 'connected' : 'reconnecting';
    if (phase === 'reconnecting') {
      this.graceTimer ??= setTimeout(() => void this.end('lost'), this.reconnectGraceMs);
    } else {
      clearTimeout(this.graceTimer);
      this.graceTimer = undefined;
    }
    this.setState({ phase });
  }

  private end(phase: EndPhase, { sayBye = false, peerHungUp = false } = {}): Promise<void> {
    if (this.ended) return this.leaving;
    const started = this.pc !== undefined;
    this.ended = true;
    clearTimeout(this.graceTimer);
    this.graceTimer = undefined;
    this.pc?.close();
    this.pc = undefined;
    this.setState({ phase, peerHungUp, remoteStream: null });
    this.leaving = this.leave({ sayBye: sayBye && started });
    return this.leaving;
  }

  /** Says bye, if asked, before the channel closes, so that the other side hears it. */
  private async leave({ sayBye }: { sayBye: boolean }): Promise<void> {
    if (sayBye) await this.send('bye', { session: this.session });
    try {
      await this.signalling.close();
    } catch (error) {
      this.log('Reading call: could not leave the signalling channel.', error);
    }
  }

  private setState(change: Partial<ReadingCallSnapshot>): void {
    const next = { ...this.snapshot, ...change };
    const keys = Object.keys(next) as (keyof ReadingCallSnapshot)[];
    if (keys.every((key) => next[key] === this.snapshot[key])) return;
    this.snapshot = next;
    for (const listener of this.listeners) listener();
  }
}
