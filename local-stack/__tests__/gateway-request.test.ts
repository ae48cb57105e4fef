import { describe, expect, test } from 'vitest';
import {
  apiKeyFromQuery,
  forwardedRequestHeaders,
  forwardedResponseHeaders,
  headerNotUtf8,
  parseRequestTarget,
  routeOf,
  withoutApiKey,
} from '../gateway-request.ts';

describe('parseRequestTarget', () => {
  test.each([
    ['/rest/v1/books', '/rest/v1/books', ''],
    ['/rest/v1', '/rest/v1', ''],
    ['/rest/v1/', '/rest/v1/', ''],
    ['/rest/v1/books?', '/rest/v1/books', ''],
    ['/rest/v1/books?select=*,author(name)&title=in.("a,b",c)', '/rest/v1/books', 'select=*,author(name)&title=in.("a,b",c)'],
    ['/rest/v1/books?or=(a.eq.1,b.eq.+2)&tags=cs.{a,b}', '/rest/v1/books', 'or=(a.eq.1,b.eq.+2)&tags=cs.{a,b}'],
    // PostgREST escapes quotes in filter values with a backslash; in the query it cannot change where the request goes.
    ['/rest/v1/books?title=eq."a\\"b"', '/rest/v1/books', 'title=eq."a\\"b"'],
    ['/rest/v1/books?next=//elsewhere/../x', '/rest/v1/books', 'next=//elsewhere/../x'],
    ['/rest/v1/rpc/find%20books', '/rest/v1/rpc/find%20books', ''],
    ['/rest/v1/caf%C3%A9', '/rest/v1/caf%C3%A9', ''],
    ['/rest/v1/books?title=eq.caf%C3%A9%20100%25', '/rest/v1/books', 'title=eq.caf%C3%A9%20100%25'],
    ['/rest/v1/a.b/...', '/rest/v1/a.b/...', ''],
    ['/rest/v1/..hidden', '/rest/v1/..hidden', ''],
    ['/auth/v1/token?grant_type=password', '/auth/v1/token', 'grant_type=password'],
  ])('accepts %j', (raw, path, query) => {
    expect(parseRequestTarget(raw)).toEqual({ ok: true, path, query });
  });

  test.each([
    // Not origin-form.
    '',
    '*',
    'rest/v1/books',
    'http://evil.example/rest/v1/books',
    'evil.example:443',
    // Another authority smuggled into the path.
    '//[',
    '//evil.example/rest/v1/books',
    '/rest/v1//127.0.0.1:99999/x',
    '/rest/v1/books//x',
    '/rest/v1/\\127.0.0.1:8080/x',
    '/rest/v1/%5C127.0.0.1:8080/x',
    '/rest/v1/%5c%5c127.0.0.1/x',
    '/rest/v1/%2F%2F127.0.0.1/x',
    '/rest/v1/%2f127.0.0.1/x',
    // Dot segments, plain and percent-encoded.
    '/rest/v1/../auth/v1/admin',
    '/rest/v1/./books',
    '/rest/v1/books/..',
    '/rest/v1/%2e%2e/x',
    '/rest/v1/%2E%2E/x',
    '/rest/v1/.%2e/x',
    '/rest/v1/%2e/x',
    // Characters no client sends unencoded.
    '/rest/v1/books x',
    '/rest/v1/books\tx',
    '/rest/v1/books\u0000',
    '/rest/v1/books\u007f',
    '/rest/v1/caf\u00e9',
    '/rest/v1/books?title=caf\u00e9',
    '/rest/v1/books?title=a b',
    '/rest/v1/books?title=a\r\nx: y',
    '/rest/v1/books#top',
    '/rest/v1/books?title=a#top',
    // Broken or control-character percent-encodings in the path.
    '/rest/v1/books%zz',
    '/rest/v1/books%2',
    '/rest/v1/books%00',
    '/rest/v1/books%0a',
    // Escapes that are not whole, valid UTF-8 (PostgREST answers them with a plain-text 500).
    '/rest/v1/books?%f4%90%80%80=*',
    '/rest/v1/books?id=eq.%ff',
    '/rest/v1/books?select=%c0%ae',
    '/rest/v1/books?title=eq.100%',
    '/rest/v1/caf%C3',
  ])('refuses %j', (raw) => {
    const result = parseRequestTarget(raw);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.reason).toMatch(/\w/);
  });
});

describe('routeOf', () => {
  test.each([
    ['/rest/v1', { service: 'rest', path: '/' }],
    ['/rest/v1/', { service: 'rest', path: '/' }],
    ['/rest/v1/books', { service: 'rest', path: '/books' }],
    ['/rest/v1/rpc/find', { service: 'rest', path: '/rpc/find' }],
    ['/auth/v1/token', { service: 'auth', path: '/token' }],
    ['/auth/v1', { service: 'auth', path: '/' }],
    ['/realtime/v1/websocket', { service: 'realtime', path: '/websocket' }],
  ])('routes %s', (path, route) => {
    expect(routeOf(path)).toEqual(route);
  });

  test.each(['/', '/rest', '/rest/v1x', '/rest/v2/books', '/storage/v1/bucket', '/v1/rest'])('has no route for %s', (path) => {
    expect(routeOf(path)).toBeUndefined();
  });
});

describe('withoutApiKey', () => {
  test.each([
    ['select=*,author(name)&apikey=abc&title=in.(a,b)&or=(a.eq.1,b.eq.+2)', 'select=*,author(name)&title=in.(a,b)&or=(a.eq.1,b.eq.+2)'],
    ['apikey=abc', ''],
    ['apikey=abc&apikey=def', ''],
    ['apikey', ''],
    ['api%6Bey=abc&limit=1', 'limit=1'],
    ['limit=1&apikey=abc', 'limit=1'],
    ['title=eq.a%2Bb&&x=%2A', 'title=eq.a%2Bb&&x=%2A'],
    ['apikeys=1&x_apikey=2&APIKEY=3', 'apikeys=1&x_apikey=2&APIKEY=3'],
    ['', ''],
  ])('%j becomes %j', (query, forwarded) => {
    expect(withoutApiKey(query)).toBe(forwarded);
  });
});

describe('apiKeyFromQuery', () => {
  test('reads the decoded apikey parameter', () => {
    expect(apiKeyFromQuery('limit=1&apikey=sb_publishable_a%2Bb')).toBe('sb_publishable_a+b');
    expect(apiKeyFromQuery('api%6Bey=k')).toBe('k');
  });

  test('is undefined when there is none', () => {
    expect(apiKeyFromQuery('limit=1')).toBeUndefined();
    expect(apiKeyFromQuery('')).toBeUndefined();
  });
});

describe('forwarded headers', () => {
  const hopByHop = {
    connection: 'keep-alive, x-hop',
    'x-hop': '1',
    'keep-alive': 'timeout=5',
    'proxy-authorization': 'Basic eDp5',
    'proxy-connection': 'keep-alive',
    'transfer-encoding': 'chunked',
    upgrade: 'h2c',
    te: 'trailers',
    trailer: 'x-checksum',
  };

  test('requests keep end-to-end headers only, and leave host, expect and x-forwarded-for to the gateway', () => {
    expect(
      forwardedRequestHeaders({
        ...hopByHop,
        host: 'evil.example',
        expect: '100-continue',
        'x-forwarded-for': '203.0.113.9',
        apikey: 'k',
        authorization: 'Bearer t',
        prefer: 'return=representation',
        'content-type': 'application/json',
        'content-length': '2',
      }),
    ).toEqual({ apikey: 'k', authorization: 'Bearer t', prefer: 'return=representation', 'content-type': 'application/json', 'content-length': '2' });
  });

  test('responses keep end-to-end headers only', () => {
    expect(forwardedResponseHeaders({ ...hopByHop, 'content-type': 'application/json', 'content-range': '0-1/*', 'set-cookie': ['a=1', 'b=2'] })).toEqual({
      'content-type': 'application/json',
      'content-range': '0-1/*',
      'set-cookie': ['a=1', 'b=2'],
    });
  });
});

describe('headerNotUtf8', () => {
  test('names the first header whose bytes are not UTF-8, and passes ASCII and real UTF-8', () => {
    const latin1 = (text: string) => Buffer.from(text, 'utf8').toString('latin1');
    expect(headerNotUtf8(['Accept', 'application/json', 'X-Name', latin1('Séléné ☾')])).toBeUndefined();
    expect(headerNotUtf8(['Accept', 'application/json', 'Accept-Profile', 'priv\xe9', 'Prefer', '\xff'])).toBe('Accept-Profile');
    expect(headerNotUtf8([])).toBeUndefined();
  });
});
