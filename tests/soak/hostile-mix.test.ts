/**
 * The hostile-mix soak as a test (`npm run test:soak`; SOAK_SECONDS, default 60). Not part of
 * `npm test`: it takes a minute and loads the machine on purpose.
 */
import { expect, test } from 'vitest';
import { formatSummary, hostileMixFailures, runHostileMix, soakOptionsFromEnv } from './hostile-mix.ts';

const options = soakOptionsFromEnv();

test(
  `the stack answers a hostile request mix for ${options.seconds} s with every request answered and no process restarted`,
  async () => {
    const result = await runHostileMix(options);
    console.info(formatSummary(result));
    expect(hostileMixFailures(result)).toEqual([]);
  },
  // Start-up (up to two minutes), the soak, the last answers (15 s) and the stop.
  (options.seconds + 180) * 1000,
);
