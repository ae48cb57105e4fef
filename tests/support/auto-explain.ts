import type pg from 'pg';

/**
 * The plans of every statement `run` makes the server execute, nested ones included, as auto_explain
 * logs them (EXPLAIN ANALYZE with buffers and WAL); LOG messages reach this client as notices while
 * client_min_messages is log. Not for timing: the instrumentation slows everything down.
 */
export async function autoExplained(db: pg.Client, run: () => Promise<void>): Promise<string[]> {
  const plans: string[] = [];
  const collect = (message: { message?: string }) => {
    if (message.message?.startsWith('duration:')) plans.push(message.message);
  };
  db.on('notice', collect);
  try {
    await db.query(`load 'auto_explain';
      set auto_explain.log_min_duration = 0; set auto_explain.log_analyze = on; set auto_explain.log_buffers = on;
      set auto_explain.log_wal = on; set auto_explain.log_triggers = on; set auto_explain.log_nested_statements = on;
      set client_min_messages = log`);
    await run();
  } finally {
    await db.query('reset client_min_messages; set auto_explain.log_min_duration = -1');
    db.off('notice', collect);
  }
  return plans;
}
