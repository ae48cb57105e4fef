import { describe, expect, test } from 'vitest';
import { cpuSecondsBetween, descendantsOf, otherCpuSeconds, parseMachineBusy, parseProcStat } from '../process-cpu.ts';

// Fields after the command: state ppid pgrp session tty tpgid flags minflt cminflt majflt cmajflt utime stime cutime cstime ...
const statLine = (pid: number, command: string, parentPid: number, [utime, stime, cutime, cstime]: number[]) =>
  `${pid} (${command}) S ${parentPid} 1 1 0 -1 4194560 100 0 0 0 ${utime} ${stime} ${cutime} ${cstime} 20 0 1 0 100 1000 10`;

describe('parseProcStat', () => {
  test('reads pid, parent, command and CPU seconds including reaped children', () => {
    expect(parseProcStat(statLine(42, 'postgres', 7, [150, 50, 30, 20]))).toEqual({ pid: 42, parentPid: 7, command: 'postgres', seconds: 2.5 });
  });

  test('a command with spaces and parentheses does not shift the fields', () => {
    expect(parseProcStat(statLine(9, 'odd (name) x', 1, [100, 0, 0, 0]))).toMatchObject({ pid: 9, parentPid: 1, command: 'odd (name) x', seconds: 1 });
  });
});

test('descendantsOf walks the whole tree under a process and nothing else', () => {
  const processes = [
    { pid: 1, parentPid: 0, command: 'init', seconds: 0 },
    { pid: 10, parentPid: 1, command: 'node', seconds: 1 },
    { pid: 11, parentPid: 10, command: 'postgres', seconds: 2 },
    { pid: 12, parentPid: 11, command: 'postgres', seconds: 3 },
    { pid: 13, parentPid: 10, command: 'postgrest', seconds: 4 },
    { pid: 20, parentPid: 1, command: 'postgres', seconds: 5 },
  ];
  expect(
    descendantsOf(10, processes)
      .map((stat) => stat.pid)
      .sort(),
  ).toEqual([10, 11, 12, 13]);
  expect(descendantsOf(99, processes)).toEqual([]);
});

test('cpuSecondsBetween subtracts part by part', () => {
  expect(cpuSecondsBetween({ postgres: 1, postgrest: 2, gateway: 3, loadTool: 4 }, { postgres: 1.5, postgrest: 4, gateway: 3, loadTool: 10 })).toEqual({
    postgres: 0.5,
    postgrest: 2,
    gateway: 0,
    loadTool: 6,
  });
});

test("the whole machine's busy time, and what other work than the benchmark used of it", () => {
  // user nice system idle iowait irq softirq steal guest guest_nice
  expect(parseMachineBusy('cpu  298827 3348 118795 630669 1006 0 4067 0 0 0\ncpu0 1 2 3 4 5 6 7 8 9 10\n')).toBeCloseTo(4250.37);
  const between = cpuSecondsBetween(
    { postgres: 1, postgrest: 2, gateway: 3, loadTool: 4, machine: 100 },
    { postgres: 11, postgrest: 12, gateway: 8, loadTool: 10, machine: 160 },
  );
  expect(between.machine).toBe(60);
  expect(otherCpuSeconds(between)).toBe(29);
  expect(otherCpuSeconds({ postgres: 1, postgrest: 1, gateway: 1, loadTool: 1 })).toBeUndefined();
  expect(otherCpuSeconds({ postgres: 5, postgrest: 5, gateway: 5, loadTool: 5, machine: 18 })).toBe(0);
});
