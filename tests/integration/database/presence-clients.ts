/**
 * The presence API as a reader's browser uses it, for the database suites: readers signed up
 * through Auth, a second device (a second sign-in, so a second auth session), tokens minted with
 * the JWT secret, and the answers unwrapped. Not a test file (the integration project runs *.test.ts).
 */
import { createClient, type SupabaseClient } from '@supabase/supabase-js';
import ws from 'ws';
import { signJwt, type JwtClaims } from '../../../local-stack/jwt.ts';
import type { RunningStack } from '../../../local-stack/stack.ts';
import { approveReaderApplications, type PresenceStatus } from '../../support/presence-fixtures.ts';
import { clientFor, dbOf, uniqueEmail } from '../../support/test-stack.ts';

/** What reader_heartbeat, reader_go_offline, set_reader_status and my_presence answer (public.own_presence). */
export interface OwnPresence {
  status: PresenceStatus;
  chosen_status: PresenceStatus;
  status_message: string | null;
  expires_at: string | null;
  hidden: boolean;
  devices: number;
  server_time: string;
}

export interface Reader {
  client: SupabaseClient;
  userId: string;
  email: string;
  password: string;
}

const READER_PASSWORD = 'reader-password-1';

/** Someone who signed up through Auth as a reader, as the sign-up page does: their application is pending. */
export async function signUpApplicant(stack: RunningStack, label = 'reader', displayName = `Reader ${label}`): Promise<Reader> {
  const client = clientFor(stack);
  const email = uniqueEmail(label);
  const { data, error } = await client.auth.signUp({
    email,
    password: READER_PASSWORD,
    options: { data: { is_reader: true, display_name: displayName } },
  });
  if (error || !data.session) throw error ?? new Error('sign-up gave no session');
  return { client, userId: data.user!.id, email, password: READER_PASSWORD };
}

/** A new reader, signed up and approved: one device, not yet heard. */
export async function signUpReader(stack: RunningStack, label = 'reader'): Promise<Reader> {
  const reader = await signUpApplicant(stack, label);
  await approveReaderApplications(dbOf(stack), [reader.userId]);
  return reader;
}

/** The same reader signed in again: another auth session, so another device. */
export async function anotherDevice(stack: RunningStack, reader: Pick<Reader, 'email' | 'password'>): Promise<SupabaseClient> {
  const client = clientFor(stack);
  const { error } = await client.auth.signInWithPassword({ email: reader.email, password: reader.password });
  if (error) throw error;
  return client;
}

/** A signed-up user who is not a reader, and their signed-in client. */
export interface SignedUpClient {
  client: SupabaseClient;
  userId: string;
}

/** A client (not a reader), signed up through Auth as the sign-up page does; on `client` if given. */
export async function signUpClient(stack: RunningStack, label: string, client: SupabaseClient = clientFor(stack)): Promise<SignedUpClient> {
  const { data, error } = await client.auth.signUp({
    email: uniqueEmail(label),
    password: 'client-password-1',
    options: { data: { display_name: `Client ${label}` } },
  });
  if (error || !data.session) throw error ?? new Error('sign-up gave no session');
  return { client, userId: data.user!.id };
}

/** A client that sends this bearer token as it is (no refresh, no session of its own). */
export function clientWithToken(stack: RunningStack, token: string): SupabaseClient {
  // Typed by its own arguments: inferred from the return type, the schema parameter would become any.
  const client = createClient(stack.apiUrl, stack.anonKey, {
    auth: { persistSession: false, autoRefreshToken: false },
    global: { headers: { Authorization: `Bearer ${token}` } },
    realtime: { transport: ws as never },
  });
  return client;
}

/** A token signed with the stack's JWT secret, as a server holding the secret could sign one. */
export function mintToken(stack: RunningStack, claims: JwtClaims): string {
  return signJwt({ aud: 'authenticated', role: 'authenticated', exp: Math.floor(Date.now() / 1000) + 3600, ...claims }, stack.jwtSecret);
}

/** The access token a signed-in client sends now. */
export async function accessTokenOf(client: SupabaseClient): Promise<string> {
  const { data } = await client.auth.getSession();
  if (!data.session) throw new Error('the client is not signed in');
  return data.session.access_token;
}

/** The session id (the device) of a signed-in client, from its access token's session_id claim. */
export async function sessionIdOf(client: SupabaseClient): Promise<string> {
  const [, payload] = (await accessTokenOf(client)).split('.');
  return (JSON.parse(Buffer.from(payload!, 'base64url').toString('utf8')) as { session_id: string }).session_id;
}

type RpcAnswer = { data: unknown; error: { code?: string; message: string } | null; status?: number };

/** A presence call's answer, or the error it failed with (so a test sees the database's words). */
export async function own(call: PromiseLike<RpcAnswer>): Promise<OwnPresence> {
  const { data, error } = await call;
  if (error) throw new Error(`presence call failed: ${error.code} ${error.message}`);
  return data as OwnPresence;
}

export const heartbeat = (client: SupabaseClient, idleSeconds = 0) => own(client.rpc('reader_heartbeat', { idle_seconds: idleSeconds }));
export const goOffline = (client: SupabaseClient) => own(client.rpc('reader_go_offline'));
export const myPresence = (client: SupabaseClient) => own(client.rpc('my_presence'));
export const setStatus = (client: SupabaseClient, status: PresenceStatus, message?: string | null, expiresAt?: string) =>
  own(client.rpc('set_reader_status', { status, message: message ?? null, ...(expiresAt ? { expires_at: expiresAt } : {}) }));

export interface Card {
  id: string;
  status: PresenceStatus;
  status_message: string | null;
  is_online: boolean;
  last_seen_at: string | null;
  recorded_status: PresenceStatus;
}

/** A reader's card as a visitor reads it (public.reader_cards). */
export async function cardOf(client: SupabaseClient, readerId: string): Promise<Card> {
  const { data, error } = await client
    .from('reader_cards')
    .select('id, status, status_message, is_online, last_seen_at, recorded_status')
    .eq('id', readerId)
    .single()
    .overrideTypes<Card, { merge: false }>();
  if (error) throw new Error(`reader_cards failed: ${error.code} ${error.message}`);
  return data;
}
