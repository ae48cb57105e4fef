import { expect, test } from 'vitest';
import { oncePerStatement } from '../cleanup.ts';

const plan = (query: string, ms: number, node = 'Insert on messages') =>
  `duration: ${ms} ms  plan:\nQuery Text: ${query}\n    and more of it\n${node}  (actual time=${ms}..${ms} rows=1 loops=1)`;

test('a statement logged once per row is kept once, first run first, with how many times it ran; others stay as they were, in order', () => {
  const broadcast = (ms: number) => plan('insert into realtime.messages (id, payload, event, topic, private, extension)', ms);
  const job = plan('with candidates as materialized (', 2759, 'Update on users');
  expect(oncePerStatement([broadcast(0.4), broadcast(0.2), job, broadcast(0.3)])).toEqual([
    `${broadcast(0.4)}\n(ran 3 times in all; the first run is shown)`,
    job,
  ]);
  expect(oncePerStatement([])).toEqual([]);
});

test('statements that begin alike but do other things are kept apart', () => {
  const counting = plan('with counts as (', 1, 'Aggregate');
  const recording = plan('with counts as (', 1, 'Insert on reader_directory_stats');
  expect(oncePerStatement([counting, recording])).toEqual([counting, recording]);
});
