/** The URL a `fetch` stand-in was called with, whichever of its forms the caller used. */
export function requestUrl(input: RequestInfo | URL): string {
  if (typeof input === 'string') return input;
  return input instanceof URL ? input.href : input.url;
}
