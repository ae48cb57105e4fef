import { authenticate } from '../authenticate.ts';
import type { Handler } from '../context.ts';
import { validationFailed } from '../errors.ts';
import { endSessions, type LogoutScope } from '../tokens.ts';

const SCOPES: readonly string[] = ['global', 'local', 'others'] satisfies LogoutScope[];

function isScope(value: string): value is LogoutScope {
  return SCOPES.includes(value);
}

/** `POST /logout?scope=global|local|others`: `signOut()`; ends sessions, which ends their refresh tokens. */
export const logout: Handler = async (ctx) => {
  const { user, sessionId } = await authenticate(ctx);
  const scope = ctx.query.get('scope') || 'global';
  if (!isScope(scope)) throw validationFailed(`Unsupported logout scope "${scope}"`);
  await endSessions(ctx.service.pool, user.id, scope, sessionId);
  return { status: 204 };
};
