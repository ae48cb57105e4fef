/** Where results go and which ones a run is compared with: nothing is ever overwritten. */
import fs from 'node:fs';
import path from 'node:path';
import type { BenchResults } from '../presence.ts';

/**
 * The newest results in `resultsDir` (by when they ran), or null; `except` is a file name to skip,
 * `before` a time they must have started before.
 */
export function newestResults(resultsDir: string, except?: string, before?: string): { file: string; results: BenchResults } | null {
  if (!fs.existsSync(resultsDir)) return null;
  const found = fs
    .readdirSync(resultsDir)
    .filter((file) => file.endsWith('.json') && file !== except)
    .flatMap((file) => {
      try {
        const results = JSON.parse(fs.readFileSync(path.join(resultsDir, file), 'utf8')) as BenchResults;
        const usable = typeof results.startedAt === 'string' && Array.isArray(results.heartbeats) && (before === undefined || results.startedAt < before);
        return usable ? [{ file, results }] : [];
      } catch {
        return [];
      }
    })
    .sort((a, b) => a.results.startedAt.localeCompare(b.results.startedAt));
  return found.at(-1) ?? null;
}

/** `name`, or `name-2`, `name-3`... : the first whose report, JSON and chart do not exist yet. */
export function freeResultsName(resultsDir: string, name: string): string {
  const taken = (candidate: string) => ['md', 'json', 'svg'].some((ext) => fs.existsSync(path.join(resultsDir, `${candidate}.${ext}`)));
  let candidate = name;
  for (let suffix = 2; taken(candidate); suffix += 1) candidate = `${name}-${suffix}`;
  return candidate;
}
