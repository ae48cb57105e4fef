/**
 * A failure the developer can fix. The stack prints `message` as its one-line error, so each
 * message says what went wrong and what to do about it.
 */
export class StackError extends Error {
  override name = 'StackError';
}
