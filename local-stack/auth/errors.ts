import type http from 'node:http';

export const API_VERSION = '2024-01-01';

/** An error answered the way Supabase Auth answers it: status, machine code, human message. */
export class AuthError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly extra: Record<string, unknown> = {},
  ) {
    super(message);
  }
}

export const invalidCredentials = () => new AuthError(400, 'invalid_credentials', 'Invalid login credentials');
export const validationFailed = (message: string) => new AuthError(400, 'validation_failed', message);

export function sendJson(res: http.ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'application/json', 'x-supabase-api-version': API_VERSION, ...headers });
  res.end(body === undefined ? undefined : JSON.stringify(body));
}

export function sendError(res: http.ServerResponse, error: AuthError): void {
  sendJson(res, error.status, { code: error.code, message: error.message, ...error.extra }, { 'x-sb-error-code': error.code });
}
