import { startE2eEnvironment } from './harness/e2e-environment.ts';

/** Starts everything once for the whole run; the returned function is Playwright's teardown. */
export default async function globalSetup(): Promise<() => Promise<void>> {
  const { settings, stop } = await startE2eEnvironment((line) => console.log(line));
  // Set here, inherited by the worker processes Playwright starts afterwards.
  Object.assign(process.env, settings);
  return stop;
}
