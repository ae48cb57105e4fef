import http from 'node:http';
import { HOST } from '../../local-stack/ports.ts';
import type { RealtimeControl } from '../../local-stack/stack.ts';
import type { ApiSwitch } from './api-switch.ts';

/**
 * Lets the tests (in Playwright's worker processes) cut and restore the API, which lives in the
 * global set-up's process: POST /api/cut and POST /api/restore; and stop and start the Realtime
 * service alone: POST /realtime/stop and POST /realtime/start.
 */
export async function startControlServer(
  apiSwitch: ApiSwitch,
  realtime: Pick<RealtimeControl, 'stop' | 'start'>,
  port: number,
): Promise<{ url: string; close: () => Promise<void> }> {
  const actions: Record<string, () => Promise<void>> = {
    '/api/cut': () => apiSwitch.cut(),
    '/api/restore': () => apiSwitch.restore(),
    '/realtime/stop': () => realtime.stop(),
    '/realtime/start': () => realtime.start(),
  };
  const server = http.createServer((request, response) => {
    const action = request.method === 'POST' ? actions[request.url ?? ''] : undefined;
    if (!action) {
      response.writeHead(404).end();
      return;
    }
    action().then(
      () => response.writeHead(204).end(),
      (error: unknown) => response.writeHead(500).end(String(error)),
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, HOST, () => resolve());
  });
  return {
    url: `http://${HOST}:${port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
