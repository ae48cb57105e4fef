/**
 * One client socket and its channels, as Phoenix's socket and Realtime's channel handle them
 * (phoenix lib/phoenix/socket.ex; supabase/realtime lib/realtime_web/channels/realtime_channel.ex and
 * realtime_channel/broadcast_handler.ex). Frames are handled one after the other, in order; whatever
 * a client sends, the socket and the process survive it.
 */
import type pg from 'pg';
import type { WebSocket } from 'ws';
import type { JwtClaims } from '../jwt.ts';
import { checkAccessToken, checkReadAccess, checkWriteAccess, type Extension } from './authorization.ts';
import { decodeFrame, encodeMessage, encodeReply, isUserBroadcastPush, type InboundMessage, type Vsn } from './frames.ts';
import { subscriptionKey, type Broadcast, type Subscriber, type Subscriptions } from './subscriptions.ts';

export interface RealtimeLimits {
  /** A socket that sends nothing for this long is closed (Phoenix's websocket timeout, 60 s). */
  idleTimeoutMs: number;
  /** Larger frames close the socket with 1009, as Realtime's max_frame_size does. */
  maxFrameBytes: number;
  /** Larger broadcasts are not sent on (an error reply if acknowledged), as Realtime's payload limit. */
  maxPayloadBytes: number;
  /** Realtime's default max_channels_per_client. */
  maxChannelsPerSocket: number;
}

export const DEFAULT_REALTIME_LIMITS: RealtimeLimits = {
  idleTimeoutMs: 60_000,
  maxFrameBytes: 5_000_000,
  maxPayloadBytes: 3_000 * 1000 + 500,
  maxChannelsPerSocket: 100,
};

export interface ConnectionContext {
  subscriptions: Subscriptions;
  pool: pg.Pool;
  jwtSecret: string;
  limits: RealtimeLimits;
  log: (line: string) => void;
}

/** Frames waiting to be handled on one socket; more means a client flooding the server. */
const MAX_QUEUED_FRAMES = 1_000;
/** A subscriber this far behind is dropped (it reconnects) rather than buffered without end. */
const MAX_BUFFERED_BYTES = 16 * 1024 * 1024;
/** Timers longer than this overflow in Node. */
const MAX_TIMER_MS = 2 ** 31 - 1;

const PHOENIX_TOPIC = 'phoenix';
const TOPIC_PREFIX = 'realtime:';

interface Channel extends Subscriber {
  subTopic: string;
  joinRef: string | null;
  key: string;
  isPrivate: boolean;
  ackBroadcast: boolean;
  presenceEnabled: boolean;
  accessToken: string;
  claims: JwtClaims;
  receivesBroadcasts: boolean;
  /** Evaluated on the first broadcast of a private channel, reset by a new token. */
  canWrite: boolean | undefined;
  expiryTimer: NodeJS.Timeout | undefined;
}

/** Realtime's FlexibleBoolean: true, or the string "true". */
function flag(value: unknown): boolean {
  return value === true || value === 'true';
}

function objectOr(value: unknown): Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}

function payloadBytes(payload: unknown): number {
  if (isUserBroadcastPush(payload)) return payload.data.length;
  return Buffer.byteLength(JSON.stringify(payload) ?? '');
}

export class RealtimeConnection {
  private readonly channels = new Map<string, Channel>();
  private queue: Promise<void> = Promise.resolve();
  private queued = 0;
  private readonly idleTimer: NodeJS.Timeout;
  private closed = false;

  constructor(
    private readonly ws: WebSocket,
    readonly vsn: Vsn,
    /** The API key's JWT: the token of a join that brings none (or an opaque `sb_` key). */
    private readonly keyToken: string,
    private readonly context: ConnectionContext,
  ) {
    this.idleTimer = setTimeout(() => this.closeIdle(), context.limits.idleTimeoutMs);
    ws.on('message', (data, isBinary) =>
      this.receive(Buffer.isBuffer(data) ? data : Buffer.concat(Array.isArray(data) ? data : [Buffer.from(data)]), isBinary),
    );
    ws.on('close', () => this.dispose());
    ws.on('error', () => ws.terminate());
  }

  private receive(frame: Buffer, isBinary: boolean): void {
    if (this.closed) return;
    this.idleTimer.refresh();
    const decoded = decodeFrame(frame, isBinary, this.vsn);
    // As Realtime: a malformed message is logged (here: dropped) and the socket carries on.
    if (!decoded.ok) return;
    const message = decoded.message;
    if (message.topic === PHOENIX_TOPIC && message.event === 'heartbeat') {
      this.send(encodeReply(this.vsn, message, 'ok', {}));
      return;
    }
    if (this.queued >= MAX_QUEUED_FRAMES) {
      this.context.log('realtime: a client sent frames faster than they could be handled; closing its socket');
      this.ws.close(1008, 'too many messages');
      return;
    }
    this.queued += 1;
    this.queue = this.queue
      .then(() => this.handle(message))
      .catch((error: unknown) => this.context.log(`realtime: handling ${message.event} on ${message.topic} failed: ${(error as Error).stack ?? String(error)}`))
      .finally(() => {
        this.queued -= 1;
      });
  }

  send(frame: string | Buffer): void {
    if (this.closed || this.ws.readyState !== this.ws.OPEN) return;
    if (this.ws.bufferedAmount > MAX_BUFFERED_BYTES) {
      this.context.log('realtime: a subscriber fell too far behind; closing its socket');
      this.ws.terminate();
      return;
    }
    this.ws.send(frame, { binary: typeof frame !== 'string' });
  }

  private async handle(message: InboundMessage): Promise<void> {
    if (this.closed) return;
    const channel = this.channels.get(message.topic);
    if (message.event === 'phx_join') return this.join(message, channel);
    if (message.event === 'phx_leave') return this.leave(message, channel);
    if (!channel) {
      this.send(encodeReply(this.vsn, message, 'error', { reason: 'unmatched topic' }));
      return;
    }
    // A message for an earlier join of this topic: the client raced a close; Phoenix drops it.
    if (message.joinRef !== null && channel.joinRef !== null && message.joinRef !== channel.joinRef) return;
    switch (message.event) {
      case 'broadcast':
        return this.broadcast(channel, message);
      case 'access_token':
        return this.refreshToken(channel, objectOr(message.payload).access_token);
      case 'presence':
        this.send(encodeReply(this.vsn, message, 'error', { reason: 'PresenceUnsupported: the local Realtime service does not track presence' }));
        return;
      default:
        // Realtime ignores any other event from the client.
        return;
    }
  }

  private tokenFor(payload: Record<string, unknown>): string {
    const given = payload.access_token ?? payload.user_token;
    return typeof given === 'string' && !given.startsWith('sb_') ? given : this.keyToken;
  }

  private async join(message: InboundMessage, existing: Channel | undefined): Promise<void> {
    const reply = (status: 'ok' | 'error', response: object) => this.send(encodeReply(this.vsn, message, status, response));
    const refuse = (code: string, text: string) => reply('error', { reason: `${code}: ${text}` });

    if (!message.topic.startsWith(TOPIC_PREFIX)) return reply('error', { reason: 'unmatched topic' });
    // Phoenix closes a channel joined again on the same socket before the new join.
    if (existing) this.close(existing);
    const subTopic = message.topic.slice(TOPIC_PREFIX.length);
    if (subTopic === '') return refuse('TopicNameRequired', 'You must provide a topic name');
    if (this.channels.size >= this.context.limits.maxChannelsPerSocket) return reply('error', { reason: 'ChannelRateLimitReached: Too many channels' });

    const payload = objectOr(message.payload);
    const config = objectOr(payload.config);
    const isPrivate = flag(config.private);
    const presenceEnabled = flag(objectOr(config.presence).enabled);
    const accessToken = this.tokenFor(payload);
    const token = checkAccessToken(accessToken, this.context.jwtSecret);
    if (!token.ok) return refuse(token.code, token.message);

    const postgresChanges = Array.isArray(config.postgres_changes) ? config.postgres_changes.filter((change) => change !== null) : [];
    if (postgresChanges.length > 0) {
      return refuse('PostgresChangesUnsupported', 'the local Realtime service delivers Broadcast only; postgres_changes is not available');
    }

    let receivesBroadcasts = true;
    if (isPrivate) {
      const extensions: Extension[] = presenceEnabled ? ['broadcast', 'presence'] : ['broadcast'];
      const access = await checkReadAccess(this.context.pool, subTopic, token.claims, extensions);
      if (this.closed) return;
      if (!access.ok && access.reason === 'database_unavailable') {
        this.context.log(`realtime: checking read access to ${subTopic} failed: ${access.detail}`);
        return refuse('UnableToConnectToProject', 'Realtime was unable to connect to the project database');
      }
      const allowed = access.ok ? access.allowed : {};
      if (!allowed.broadcast && !allowed.presence) return refuse('Unauthorized', `You do not have permissions to read from this Channel topic: ${subTopic}`);
      receivesBroadcasts = allowed.broadcast === true;
    }

    const broadcastConfig = objectOr(config.broadcast);
    const channel: Channel = {
      vsn: this.vsn,
      topic: message.topic,
      subTopic,
      joinRef: message.joinRef ?? message.ref,
      key: subscriptionKey(subTopic, isPrivate),
      isPrivate,
      ackBroadcast: flag(broadcastConfig.ack),
      selfBroadcast: flag(broadcastConfig.self),
      presenceEnabled,
      accessToken,
      claims: token.claims,
      receivesBroadcasts,
      canWrite: undefined,
      expiryTimer: undefined,
      send: (frame) => this.send(frame),
    };
    this.channels.set(message.topic, channel);
    this.context.subscriptions.add(channel.key, channel);
    this.watchExpiry(channel, token.exp);
    reply('ok', { postgres_changes: [] });
    if (presenceEnabled) this.push(channel, 'presence_state', {});
  }

  private leave(message: InboundMessage, channel: Channel | undefined): void {
    this.send(encodeReply(this.vsn, message, 'ok', {}));
    if (channel) this.close(channel);
  }

  private async broadcast(channel: Channel, message: InboundMessage): Promise<void> {
    const payload = message.payload;
    let broadcast: Broadcast;
    if (isUserBroadcastPush(payload)) {
      broadcast = { kind: 'user', event: payload.event, encoding: payload.encoding, data: payload.data };
    } else if (typeof payload === 'object' && payload !== null && !Array.isArray(payload)) {
      broadcast = { kind: 'json', payload };
    } else {
      return;
    }

    if (channel.isPrivate) {
      if (channel.canWrite === undefined) {
        const access = await checkWriteAccess(this.context.pool, channel.subTopic, channel.claims, ['broadcast']);
        if (!access.ok) {
          this.context.log(`realtime: checking write access to ${channel.subTopic} failed: ${access.detail}`);
          return;
        }
        channel.canWrite = access.allowed.broadcast === true;
      }
      // As Realtime: a broadcast the role may not write is dropped without a reply, even with ack.
      if (!channel.canWrite || !this.channels.has(channel.topic)) return;
    }

    if (payloadBytes(payload) > this.context.limits.maxPayloadBytes) {
      if (channel.ackBroadcast) this.send(encodeReply(this.vsn, message, 'error', { reason: 'payload_size_exceeded' }));
      return;
    }
    this.context.subscriptions.deliver(channel.key, broadcast, channel);
    if (channel.ackBroadcast) this.send(encodeReply(this.vsn, message, 'ok', {}));
  }

  private async refreshToken(channel: Channel, given: unknown): Promise<void> {
    // As Realtime: an opaque key, the same token or none changes nothing.
    if (typeof given !== 'string' || given.startsWith('sb_') || given === channel.accessToken) return;
    const token = checkAccessToken(given, this.context.jwtSecret);
    if (!token.ok) return this.shutDown(channel, token.shutdownMessage);
    channel.accessToken = given;
    channel.claims = token.claims;
    channel.canWrite = undefined;
    if (channel.isPrivate) {
      const extensions: Extension[] = channel.presenceEnabled ? ['broadcast', 'presence'] : ['broadcast'];
      const access = await checkReadAccess(this.context.pool, channel.subTopic, token.claims, extensions);
      if (!this.channels.has(channel.topic)) return;
      if (!access.ok && access.reason === 'database_unavailable') return this.shutDown(channel, 'Realtime was unable to connect to the project database');
      const allowed = access.ok ? access.allowed : {};
      if (!allowed.broadcast && !allowed.presence)
        return this.shutDown(channel, `You do not have permissions to read from this Channel topic: ${channel.subTopic}`);
      if (channel.receivesBroadcasts && !allowed.broadcast) {
        return this.shutDown(channel, `You no longer have permission to read from this Channel topic: ${channel.subTopic}`);
      }
      channel.receivesBroadcasts = allowed.broadcast === true;
    }
    this.watchExpiry(channel, token.exp);
  }

  /** Realtime re-checks the token when it expires and closes the channel with a `system` error then. */
  private watchExpiry(channel: Channel, exp: number): void {
    clearTimeout(channel.expiryTimer);
    const delay = Math.min(Math.max(exp * 1000 - Date.now(), 0), MAX_TIMER_MS);
    channel.expiryTimer = setTimeout(() => {
      if (this.channels.get(channel.topic) !== channel) return;
      const token = checkAccessToken(channel.accessToken, this.context.jwtSecret);
      if (token.ok) this.watchExpiry(channel, token.exp);
      else this.shutDown(channel, token.shutdownMessage);
    }, delay);
  }

  private push(channel: Channel, event: string, payload: object): void {
    this.send(encodeMessage(this.vsn, channel.joinRef, null, channel.topic, event, payload));
  }

  /** Realtime's `shutdown_response`: a `system` error message, then the channel is closed. */
  private shutDown(channel: Channel, message: string): void {
    if (this.channels.get(channel.topic) !== channel) return;
    this.push(channel, 'system', { extension: 'system', status: 'error', message, channel: channel.subTopic });
    this.close(channel);
  }

  /** Ends a channel and tells the client with `phx_close`, as Phoenix does when a channel stops. */
  private close(channel: Channel): void {
    this.remove(channel);
    this.send(encodeMessage(this.vsn, channel.joinRef, channel.joinRef, channel.topic, 'phx_close', {}));
  }

  private remove(channel: Channel): void {
    clearTimeout(channel.expiryTimer);
    if (this.channels.get(channel.topic) === channel) this.channels.delete(channel.topic);
    this.context.subscriptions.remove(channel.key, channel);
  }

  private closeIdle(): void {
    if (this.closed) return;
    this.ws.close(1000, 'idle timeout');
    setTimeout(() => this.ws.terminate(), 1_000).unref();
  }

  /** The socket is gone: every channel leaves its topic. */
  private dispose(): void {
    if (this.closed) return;
    this.closed = true;
    clearTimeout(this.idleTimer);
    for (const channel of [...this.channels.values()]) this.remove(channel);
  }

  /** Server shutting down: close the socket as a restart would. */
  terminate(): void {
    this.dispose();
    this.ws.terminate();
  }
}
