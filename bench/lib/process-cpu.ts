import fs from 'node:fs';

/** CPU seconds per part of the system, from /proc (Linux). */
export interface CpuSeconds {
  postgres: number;
  postgrest: number;
  gateway: number;
  loadTool: number;
  /** Busy CPU time of the whole machine (every process, /proc/stat): what is left is other work's. */
  machine?: number;
}

const CLOCK_TICKS_PER_SECOND = 100; // USER_HZ, 100 on every Linux the project runs on

interface ProcessStat {
  pid: number;
  parentPid: number;
  command: string;
  /** Its own CPU time plus that of its children it has reaped (exited PostgreSQL backends). */
  seconds: number;
}

/** Parses a /proc/<pid>/stat line; the command name is in parentheses and may contain spaces. */
export function parseProcStat(line: string): ProcessStat {
  const open = line.indexOf('(');
  const close = line.lastIndexOf(')');
  const fields = line.slice(close + 2).split(' ');
  // After the command: state(0) ppid(1) ... utime(11) stime(12) cutime(13) cstime(14)
  const ticks = [11, 12, 13, 14].reduce((sum, index) => sum + Number(fields[index]), 0);
  return {
    pid: Number(line.slice(0, open).trim()),
    parentPid: Number(fields[1]),
    command: line.slice(open + 1, close),
    seconds: ticks / CLOCK_TICKS_PER_SECOND,
  };
}

function readAllProcesses(): ProcessStat[] {
  const stats: ProcessStat[] = [];
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      stats.push(parseProcStat(fs.readFileSync(`/proc/${entry}/stat`, 'utf8')));
    } catch {
      // The process ended while we looked.
    }
  }
  return stats;
}

/** The processes started under `rootPid`, the root included. */
export function descendantsOf(rootPid: number, processes: readonly ProcessStat[]): ProcessStat[] {
  const byParent = new Map<number, ProcessStat[]>();
  for (const stat of processes) byParent.set(stat.parentPid, [...(byParent.get(stat.parentPid) ?? []), stat]);
  const found: ProcessStat[] = [];
  const queue = processes.filter((stat) => stat.pid === rootPid);
  while (queue.length > 0) {
    const next = queue.shift()!;
    found.push(next);
    queue.push(...(byParent.get(next.pid) ?? []));
  }
  return found;
}

/** Busy CPU seconds of the whole machine since boot, from the first line of /proc/stat (all but idle and iowait). */
export function parseMachineBusy(procStat: string): number {
  const fields = procStat.split('\n')[0]!.trim().split(/\s+/).slice(1).map(Number);
  // user nice system idle iowait irq softirq steal (guest time is already in user and nice)
  const [user = 0, nice = 0, system = 0, , , irq = 0, softirq = 0, steal = 0] = fields;
  return (user + nice + system + irq + softirq + steal) / CLOCK_TICKS_PER_SECOND;
}

function machineBusyNow(): number | undefined {
  try {
    return parseMachineBusy(fs.readFileSync('/proc/stat', 'utf8'));
  } catch {
    return undefined;
  }
}

/** CPU used so far by the stack's processes (under `gatewayPid`) and by this process (the load tool). */
export function cpuSecondsNow(gatewayPid: number): CpuSeconds {
  const tree = descendantsOf(gatewayPid, readAllProcesses());
  const total = (command: string) => tree.filter((stat) => stat.command === command).reduce((sum, stat) => sum + stat.seconds, 0);
  const ownUsage = process.cpuUsage();
  return {
    postgres: total('postgres'),
    postgrest: total('postgrest'),
    gateway: tree.find((stat) => stat.pid === gatewayPid)?.seconds ?? 0,
    loadTool: (ownUsage.user + ownUsage.system) / 1e6,
    machine: machineBusyNow(),
  };
}

export function cpuSecondsBetween(before: CpuSeconds, after: CpuSeconds): CpuSeconds {
  return {
    postgres: after.postgres - before.postgres,
    postgrest: after.postgrest - before.postgrest,
    gateway: after.gateway - before.gateway,
    loadTool: after.loadTool - before.loadTool,
    ...(after.machine !== undefined && before.machine !== undefined ? { machine: after.machine - before.machine } : {}),
  };
}

/** CPU the machine spent on other work than the benchmark's parts (never below zero), or undefined when unknown. */
export function otherCpuSeconds(cpu: CpuSeconds): number | undefined {
  if (cpu.machine === undefined) return undefined;
  return Math.max(0, cpu.machine - cpu.postgres - cpu.postgrest - cpu.gateway - cpu.loadTool);
}
