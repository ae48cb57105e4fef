import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { freeResultsName, newestResults } from '../results-files.ts';

let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-results-files-'));
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

const write = (file: string, content: unknown) => fs.writeFileSync(path.join(dir, file), typeof content === 'string' ? content : JSON.stringify(content));

describe('results files', () => {
  test('a name already taken by a report, its JSON or its chart gets a suffix: nothing is overwritten', () => {
    expect(freeResultsName(dir, '2026-12-01')).toBe('2026-12-01');
    write('2026-12-01.md', '# old');
    expect(freeResultsName(dir, '2026-12-01')).toBe('2026-12-01-2');
    write('2026-12-01-2.svg', '<svg/>');
    expect(freeResultsName(dir, '2026-12-01')).toBe('2026-12-01-3');
  });

  test('the previous results are the newest by when they ran, skipping what is not results', () => {
    expect(newestResults(dir)).toBeNull();
    expect(newestResults(path.join(dir, 'missing'))).toBeNull();
    write('2026-11-25.json', { startedAt: '2026-11-25T08:00:00.000Z', heartbeats: [] });
    write('2026-12-01.json', { startedAt: '2026-12-01T06:17:07.277Z', heartbeats: [] });
    write('a-renamed-copy.json', { startedAt: '2026-11-30T00:00:00.000Z', heartbeats: [] });
    write('broken.json', '{');
    write('package.json', { name: 'not results' });
    expect(newestResults(dir)?.file).toBe('2026-12-01.json');
    expect(newestResults(dir, '2026-12-01.json')?.file).toBe('a-renamed-copy.json');
  });
});

test('results that ran later than a given time are not "previous"', () => {
  write('2026-11-25.json', { startedAt: '2026-11-25T08:00:00.000Z', heartbeats: [] });
  write('2026-12-01.json', { startedAt: '2026-12-01T06:17:07.277Z', heartbeats: [] });
  write('2026-12-02.json', { startedAt: '2026-12-02T06:00:00.000Z', heartbeats: [] });
  expect(newestResults(dir, '2026-12-01.json', '2026-12-01T06:17:07.277Z')?.file).toBe('2026-11-25.json');
  expect(newestResults(dir, undefined, '2026-12-01T10:00:00.000Z')?.file).toBe('2026-12-01.json');
});
