import net from 'node:net';
import { HOST } from '../../local-stack/ports.ts';

/**
 * A TCP relay in front of the API gateway that a test can cut and restore: the browser sees the
 * API go away (connections refused and dropped) and come back, as in a real outage.
 */
export interface ApiSwitch {
  port: number;
  cut(): Promise<void>;
  restore(): Promise<void>;
  close(): Promise<void>;
}

export async function startApiSwitch(port: number, targetPort: number): Promise<ApiSwitch> {
  const sockets = new Set<net.Socket>();
  let server: net.Server | undefined;

  function relay(client: net.Socket) {
    const upstream = net.connect(targetPort, HOST);
    for (const socket of [client, upstream]) {
      sockets.add(socket);
      socket.on('close', () => sockets.delete(socket));
      socket.on('error', () => {
        client.destroy();
        upstream.destroy();
      });
    }
    client.pipe(upstream).pipe(client);
  }

  async function listen() {
    const listening = net.createServer(relay);
    await new Promise<void>((resolve, reject) => {
      listening.once('error', reject);
      listening.listen(port, HOST, () => resolve());
    });
    server = listening;
  }

  async function stopListening() {
    const current = server;
    server = undefined;
    for (const socket of sockets) socket.destroy();
    if (current) await new Promise<void>((resolve) => current.close(() => resolve()));
  }

  await listen();
  return {
    port,
    cut: stopListening,
    restore: async () => {
      if (!server) await listen();
    },
    close: stopListening,
  };
}
