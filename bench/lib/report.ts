/** The benchmark's Markdown report and chart data, from its results alone (pure, so it is testable). */
import type { BenchResults } from '../presence.ts';
import type { GrowthSeries } from './growth-chart.ts';
import type { HeartbeatPath, HeartbeatRound } from './heartbeats.ts';
import type { ReadMeasure } from './reads.ts';

const READERS_PAGE = 'Readers page (first page, online first)';
const HEARTBEAT_INTERVAL_SECONDS = 60;

const fixed = (value: number, digits = 0) => value.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
const ms = (value: number) => (value < 10 ? fixed(value, 2) : fixed(value, value < 100 ? 1 : 0));
function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : ((sorted[middle - 1] ?? 0) + (sorted[middle] ?? 0)) / 2;
}
const sum = (values: number[]) => values.reduce((total, value) => total + value, 0);

export interface PathTotals {
  requests: number;
  seconds: number;
  writes: number;
  hotRatio: number;
  walPerWrite: number;
  /** WAL per write without full-page images, which depend on when the last checkpoint ran. */
  walRecordsPerWrite: number;
  indexWritesPerWrite: number;
  writesPerSecond: number;
  cpu: { postgres: number; postgrest: number; gateway: number; loadTool: number };
}

export function pathTotals(rounds: readonly HeartbeatRound[], path: HeartbeatPath): PathTotals {
  const ofPath = rounds.filter((round) => round.path === path);
  const writes = sum(ofPath.map((round) => round.cost.updates));
  const seconds = sum(ofPath.map((round) => round.load.durationMs / 1000));
  const perWrite = (value: number) => (writes === 0 ? 0 : value / writes);
  const cpu = (part: keyof PathTotals['cpu']) => sum(ofPath.map((round) => round.cpu[part]));
  return {
    requests: sum(ofPath.map((round) => round.load.requests)),
    seconds,
    writes,
    hotRatio: perWrite(sum(ofPath.map((round) => round.cost.hotUpdates))),
    walPerWrite: perWrite(sum(ofPath.map((round) => round.cost.walBytes))),
    walRecordsPerWrite: perWrite(sum(ofPath.map((round) => round.cost.walBytes - round.cost.fullPageImageBytes))),
    indexWritesPerWrite: perWrite(sum(ofPath.map((round) => round.cost.indexWrites))),
    writesPerSecond: seconds === 0 ? 0 : writes / seconds,
    cpu: { postgres: cpu('postgres'), postgrest: cpu('postgrest'), gateway: cpu('gateway'), loadTool: cpu('loadTool') },
  };
}

const writesPerSecond = (round: HeartbeatRound) => round.cost.updates / (round.load.durationMs / 1000);

/** Project against seed, round by round: the ratio of heartbeat writes per second, and both p95s. */
export function roundComparisons(rounds: readonly HeartbeatRound[]) {
  const numbers = [...new Set(rounds.map((round) => round.round))];
  return numbers.map((number) => {
    const project = rounds.find((round) => round.round === number && round.path === 'project')!;
    const seed = rounds.find((round) => round.round === number && round.path === 'seed')!;
    return { round: number, project, seed, ratio: writesPerSecond(seed) === 0 ? Infinity : writesPerSecond(project) / writesPerSecond(seed) };
  });
}

function read(reads: readonly ReadMeasure[], name: string, design: 'project' | 'seed'): ReadMeasure | undefined {
  return reads.find((measure) => measure.name === name && measure.design === design);
}

export function growthSeries(results: BenchResults): GrowthSeries[] {
  const series = (label: string, value: (step: BenchResults['growth'][number]) => number | undefined): GrowthSeries => ({
    label,
    points: results.growth.flatMap((step) => {
      const measured = value(step);
      return measured === undefined ? [] : [{ readers: step.readers, value: measured }];
    }),
  });
  return [
    series('Readers page, project', (step) => read(step.reads, READERS_PAGE, 'project')?.postgresMs),
    series('Readers page, seed (fetchAllReaders)', (step) => read(step.reads, READERS_PAGE, 'seed')?.postgresMs),
    series('Status of 100 readers, project', (step) => read(step.reads, 'getReadersOnlineStatus, 100 ids', 'project')?.postgresMs),
    series('Page summary counts, project', (step) => read(step.reads, 'Readers page summary (reader and online counts)', 'project')?.postgresMs),
    series('Cleanup of 10% stale (mark_inactive_readers_offline)', (step) => step.cleanups.find((c) => c.fn === 'mark_inactive_readers_offline')?.ms.median),
  ];
}

interface Target {
  name: string;
  target: string;
  measured: string;
  met: boolean;
  /** How far off, and why, when missed. */
  gap?: string;
}

const PART_NAMES: Record<keyof PathTotals['cpu'], string> = { postgres: 'PostgreSQL', postgrest: 'PostgREST', gateway: 'gateway', loadTool: 'load tool' };

const perThousand = (totals: PathTotals, part: keyof PathTotals['cpu']) => (totals.cpu[part] / Math.max(totals.requests, 1)) * 1000;

function cpuBreakdown(totals: PathTotals, cores: number): string {
  const parts = (Object.keys(PART_NAMES) as Array<keyof PathTotals['cpu']>).map((part) => `${PART_NAMES[part]} ${fixed(totals.cpu[part], 1)} s`);
  return `CPU over ${fixed(totals.seconds, 0)} s of load on ${cores} cores: ${parts.join(', ')}`;
}

export function evaluateTargets(results: BenchResults): Target[] {
  const cores = results.machine.cores;
  const comparisons = roundComparisons(results.heartbeats);
  const project = pathTotals(results.heartbeats, 'project');
  const seed = pathTotals(results.heartbeats, 'seed');
  const largest = results.growth.at(-1)!;
  const page = read(largest.reads, READERS_PAGE, 'project')!;
  const seedPage = read(largest.reads, READERS_PAGE, 'seed')!;
  const status100 = read(largest.reads, 'getReadersOnlineStatus, 100 ids', 'project')!;
  const cleanup = largest.cleanups.find((c) => c.fn === 'mark_inactive_readers_offline')!;
  const ratio = median(comparisons.map((c) => c.ratio));
  const lowerP95 = comparisons.every((c) => c.project.load.latencyMs.p95 < c.seed.load.latencyMs.p95);
  const pageRatio = page.http.perSecond / Math.max(seedPage.http.perSecond, 1e-9);
  return [
    {
      name: 'Heartbeat writes/s, project vs seed (median of rounds)',
      target: '≥ 1.4×, lower p95 in every round',
      measured: `${fixed(ratio, 2)}× (rounds: ${comparisons.map((c) => `${fixed(c.ratio, 2)}×`).join(', ')}); p95 lower in ${comparisons.filter((c) => c.project.load.latencyMs.p95 < c.seed.load.latencyMs.p95).length}/${comparisons.length} rounds`,
      met: ratio >= 1.4 && lowerP95,
      gap:
        `${ratio < 1.4 ? `${fixed(1.4 - ratio, 2)}× short. ` : ''}Project: ${cpuBreakdown(project, cores)}. Seed: ${cpuBreakdown(seed, cores)}. ` +
        `Per 1,000 heartbeats PostgreSQL used ${fixed(perThousand(project, 'postgres'), 2)} CPU s on the project path and ${fixed(perThousand(seed, 'postgres'), 2)} on the seed's; ` +
        `PostgREST, the gateway and the load tool cost about the same on both (${fixed(perThousand(project, 'postgrest') + perThousand(project, 'gateway') + perThousand(project, 'loadTool'), 2)} and ` +
        `${fixed(perThousand(seed, 'postgrest') + perThousand(seed, 'gateway') + perThousand(seed, 'loadTool'), 2)} s) and share the same ${cores} cores, which caps the ratio.`,
    },
    {
      name: 'WAL per heartbeat write (project), full-page images apart',
      target: '≤ 250 B',
      measured: `${fixed(project.walRecordsPerWrite)} B, ${fixed(project.walPerWrite)} B with them (seed: ${fixed(seed.walRecordsPerWrite)} B, ${fixed(seed.walPerWrite)} B)`,
      met: project.walRecordsPerWrite <= 250,
      gap: `${fixed(project.walRecordsPerWrite - 250)} B over.`,
    },
    {
      name: 'HOT update ratio of heartbeat writes (project)',
      target: '≥ 0.95',
      measured: `${fixed(project.hotRatio, 3)} (seed: ${fixed(seed.hotRatio, 3)})`,
      met: project.hotRatio >= 0.95,
      gap: `${fixed(0.95 - project.hotRatio, 3)} short.`,
    },
    {
      name: `Readers page in PostgreSQL at ${fixed(largest.readers)} readers`,
      target: '≤ 1 ms',
      measured: `${ms(page.postgresMs)} ms (seed query: ${ms(seedPage.postgresMs)} ms)`,
      met: page.postgresMs <= 1,
      gap: `${ms(page.postgresMs - 1)} ms over.`,
    },
    {
      name: `Readers page over HTTP at ${results.config.readConcurrency} clients, project vs seed`,
      target: '≥ 20×',
      measured: `${fixed(pageRatio, 1)}× (${fixed(page.http.perSecond, 0)} vs ${fixed(seedPage.http.perSecond, 1)} requests/s)`,
      met: pageRatio >= 20,
      gap: `${fixed(20 - pageRatio, 1)}× short.`,
    },
    {
      name: `Cleanup of ${fixed(cleanup.stale)} stale readers (mark_inactive_readers_offline, median)`,
      target: '≤ 100 ms',
      measured: `${ms(cleanup.ms.median)} ms (${fixed(cleanup.walBytes / Math.max(cleanup.changed, 1))} B of WAL per reader)`,
      met: cleanup.ms.median <= 100,
      gap:
        `${ms(cleanup.ms.median - 100)} ms over. Sending a reader offline changes is_online, which leads users_directory_idx ` +
        '(it serves the first page online first), so the update is not HOT: a new row version and an entry in each of the ' +
        "table's three indexes per reader. The candidates are found by reading every reader flagged online, since last_seen_at " +
        'is in no index (that keeps heartbeats HOT), and each reader sent offline gets an audit row. The plans in section 4 show the split.',
    },
    {
      name: 'Bulk status for 100 ids in PostgreSQL',
      target: '≤ 2 ms',
      measured: `${ms(status100.postgresMs)} ms`,
      met: status100.postgresMs <= 2,
      gap: `${ms(status100.postgresMs - 2)} ms over.`,
    },
  ];
}

function heartbeatTable(results: BenchResults): string {
  const rows = results.heartbeats.map((round) => {
    const { load, cost } = round;
    return `| ${round.round} | ${round.path} | ${fixed(load.perSecond)} | ${fixed(writesPerSecond(round))} | ${ms(load.latencyMs.p50)} | ${ms(load.latencyMs.p95)} | ${ms(load.latencyMs.p99)} | ${load.errors} | ${fixed(cost.updates / Math.max(load.requests, 1), 2)} |`;
  });
  const ratios = roundComparisons(results.heartbeats).map(
    (c) => `round ${c.round}: ${fixed(c.ratio, 2)}× the writes/s, p95 ${ms(c.project.load.latencyMs.p95)} vs ${ms(c.seed.load.latencyMs.p95)} ms`,
  );
  return [
    '| Round | Path | Requests/s | Writes/s | p50 ms | p95 ms | p99 ms | Errors | Writes per request |',
    '|---|---|---|---|---|---|---|---|---|',
    ...rows,
    '',
    `Project against seed: ${ratios.join('; ')}.`,
  ].join('\n');
}

function costTable(results: BenchResults): string {
  const line = (path: HeartbeatPath) => {
    const totals = pathTotals(results.heartbeats, path);
    const cpu = (part: keyof PathTotals['cpu']) => fixed(perThousand(totals, part), 2);
    return `| ${path} | ${fixed(totals.walRecordsPerWrite)} | ${fixed(totals.walPerWrite - totals.walRecordsPerWrite)} | ${fixed(totals.hotRatio, 3)} | ${fixed(totals.indexWritesPerWrite, 2)} | ${cpu('postgres')} | ${cpu('postgrest')} | ${cpu('gateway')} | ${cpu('loadTool')} |`;
  };
  return [
    '| Path | WAL bytes per write | + full-page images | HOT ratio | Index entries per write | CPU s per 1000: PostgreSQL | PostgREST | Gateway | Load tool |',
    '|---|---|---|---|---|---|---|---|---|',
    line('project'),
    line('seed'),
  ].join('\n');
}

function readsTable(step: BenchResults['growth'][number]): string {
  return [
    '| Query | Design | PostgreSQL ms | Requests/s | p50 ms | p95 ms | p99 ms | Errors |',
    '|---|---|---|---|---|---|---|---|',
    ...step.reads.map(
      (r) => `| ${r.name} | ${r.design} | ${ms(r.postgresMs)} | ${fixed(r.http.perSecond, 1)} | ${ms(r.http.latencyMs.p50)} | ${ms(r.http.latencyMs.p95)} | ${ms(r.http.latencyMs.p99)} | ${r.http.errors} |`,
    ),
  ].join('\n');
}

function growthTable(results: BenchResults): string {
  const cell = (step: BenchResults['growth'][number], name: string, design: 'project' | 'seed') => {
    const measure = read(step.reads, name, design);
    return measure ? `${ms(measure.postgresMs)} ms, ${fixed(measure.http.perSecond, 1)}/s` : '–';
  };
  return [
    '| Readers | Online | Readers page, project | Readers page, seed | Status 100 ids, project | Status 100 ids, seed | mark_inactive (stale) | cleanup_reader_presence |',
    '|---|---|---|---|---|---|---|---|',
    ...results.growth.map((step) => {
      const cleanup = (fn: string) => {
        const measure = step.cleanups.find((c) => c.fn === fn)!;
        return `${ms(measure.ms.median)} ms (${fixed(measure.changed)})`;
      };
      return `| ${fixed(step.readers)} | ${fixed(step.online)} | ${cell(step, READERS_PAGE, 'project')} | ${cell(step, READERS_PAGE, 'seed')} | ${cell(step, 'getReadersOnlineStatus, 100 ids', 'project')} | ${cell(step, 'getReadersOnlineStatus, 100 ids', 'seed')} | ${cleanup('mark_inactive_readers_offline')} | ${cleanup('cleanup_reader_presence')} |`;
    }),
  ].join('\n');
}

export function renderReport(results: BenchResults, chartFile: string): string {
  const { machine, config } = results;
  const project = pathTotals(results.heartbeats, 'project');
  const seed = pathTotals(results.heartbeats, 'seed');
  const largest = results.growth.at(-1)!;
  const targets = evaluateTargets(results);
  const loadSeconds = project.seconds + seed.seconds;
  const busiest = (Object.keys(PART_NAMES) as Array<keyof PathTotals['cpu']>).sort((a, b) => project.cpu[b] - project.cpu[a])[0]!;
  return `# Presence benchmark, ${results.startedAt.slice(0, 10)}

Machine: ${machine.cpu}, ${machine.cores} cores, ${machine.memoryGiB} GiB, ${machine.os}; Node ${machine.node}, PostgreSQL ${machine.postgres} (embedded, fsync and synchronous commit on), PostgREST ${machine.postgrest}, the project's gateway. Every request went through the gateway on 127.0.0.1; the load tool is \`bench/lib/load.ts\` (closed loop, Node fetch) in its own process. Run took ${fixed(results.wallSeconds)} s.

Settings: ${fixed(config.readers)} readers, ${fixed(config.online)} online, ${fixed(config.stale)} stale for the cleanups; heartbeats at ${config.heartbeatConcurrency} concurrent, ${config.heartbeatRounds} rounds of ${config.heartbeatSeconds} s per path after ${config.warmupSeconds} s of warm-up; reads at ${config.readConcurrency} concurrent for ${config.readSeconds} s each. Ratios hold on a noisy machine; absolute figures are for the record.

## Targets

| What | Target | Measured | |
|---|---|---|---|
${targets.map((t) => `| ${t.name} | ${t.target} | ${t.measured} | ${t.met ? 'met' : 'missed'} |`).join('\n')}

${targets.filter((t) => !t.met).map((t) => `- **Missed: ${t.name}.** ${t.gap}`).join('\n') || 'Every target was met.'}

**Capacity:** the project path sustained ${fixed(project.writesPerSecond)} heartbeat writes/s at ${config.heartbeatConcurrency} concurrent (the seed path ${fixed(seed.writesPerSecond)}/s), so one ${machine.cores}-core machine like this one keeps about **${fixed(Math.floor((project.writesPerSecond * HEARTBEAT_INTERVAL_SECONDS) / 1000) * 1000)} readers online** at the ${HEARTBEAT_INTERVAL_SECONDS}-second interval (seed design: about ${fixed(Math.floor((seed.writesPerSecond * HEARTBEAT_INTERVAL_SECONDS) / 1000) * 1000)}), with PostgreSQL, PostgREST, the gateway and the load tool sharing the same cores; under project load the busiest was ${PART_NAMES[busiest]} (${fixed((project.cpu[busiest] / project.seconds) * 100)}% of one core).

## 1. Heartbeats: project path against the seed's literal path

Project: \`POST /rest/v1/rpc/reader_heartbeat\` (the database's clock, rate-limited, a HOT update committed asynchronously). Seed: \`PATCH /rest/v1/seed_users?id=eq.<id>\` with \`is_online\` and a client-sent \`last_seen_at\`, on a copy of the same rows with the seed's indexes, trigger and policies. For these rounds all ${fixed(config.readers)} readers are online and take turns (one turn across all rounds), so each one's heartbeats are minutes apart, as on the 60-second interval (the rate limit absorbs none), and each request is a real write on both paths. ${fixed(project.requests + seed.requests)} requests in ${fixed(loadSeconds)} s measured.

${heartbeatTable(results)}

## 2. Cost per heartbeat

Counted from the WAL of the measured windows with \`pg_walinspect\`: bytes, heap updates and how many were HOT, B-tree entries written. Full-page images are shown apart: the first write to a page after a checkpoint logs the whole 8 KB page, whichever design wrote it, so they follow checkpoint timing (the seed path also logs its index pages). \`pg_stat_user_tables\` over the whole phase, warm-ups included, agrees: project ${fixed(results.heartbeatTableStats.project.hotUpdates)} HOT of ${fixed(results.heartbeatTableStats.project.updates)} updates, seed ${fixed(results.heartbeatTableStats.seed.hotUpdates)} of ${fixed(results.heartbeatTableStats.seed.updates)}. CPU from \`/proc\`, every process of each part, per 1,000 requests.

${costTable(results)}

## 3. Reads at ${fixed(largest.readers)} readers (${config.readConcurrency} concurrent clients)

The project's readers page reads 24 cards from \`users_directory_idx\`; the seed's \`fetchAllReaders()\` reads every reader with \`select *\` and sorts them (PostgREST's max-rows stops it at 1,000). The status queries ask about random readers, a different set per request.

${readsTable(largest)}

<details><summary>Plans at ${fixed(largest.readers)} readers (EXPLAIN ANALYZE as anon)</summary>

${largest.reads.map((r) => `**${r.name}, ${r.design}**\n\n\`\`\`\n${r.plan}\n\`\`\``).join('\n\n')}

</details>

## 4. Cleanup

${largest.cleanups.map((c) => `- \`${c.fn}()\` with ${fixed(c.stale)} stale readers: median ${ms(c.ms.median)} ms (${ms(c.ms.min)}–${ms(c.ms.max)}), changed ${fixed(c.changed)}, ${fixed(c.walBytes / 1024)} KiB of WAL.`).join('\n')}

<details><summary>Plans of the statements inside the cleanups at ${fixed(largest.readers)} readers (auto_explain, one more run)</summary>

${largest.cleanups.map((c) => `**${c.fn}()**\n\n\`\`\`\n${c.plan}\n\`\`\``).join('\n\n')}

</details>

## 5. Growth

![Time in PostgreSQL as readers grow](${chartFile})

${growthTable(results)}
`;
}
