import fs from 'node:fs';
import { expect, test } from 'vitest';
import { freePort, isPortFree } from '../ports.ts';

const [firstEphemeral] = fs.readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/).map(Number);

test('a chosen port is free, and below the range the OS hands to outgoing connections', async () => {
  const port = await freePort();
  expect(port).toBeGreaterThanOrEqual(20_000);
  expect(port).toBeLessThan(firstEphemeral!);
  expect(await isPortFree(port)).toBe(true);
});

test('no port is handed out twice while reserved, though 300 random picks from the range would repeat one', async () => {
  const ports = [];
  for (let n = 0; n < 300; n++) ports.push(await freePort());
  expect(new Set(ports).size).toBe(300);
});
