import { describe, expect, test } from 'vitest';
import { MAX_MESSAGE_LENGTH, parseReaderStatusChange } from '@/features/readers/api/reader-status-broadcast';

const READER = '7d3f0c4e-2b1a-4c5d-9e8f-0a1b2c3d4e5f';
const good = { reader_id: READER, status: 'busy', message: 'With a client until 3pm', last_seen_at: '2026-11-25T12:00:00.123456+00:00' };

describe('parseReaderStatusChange', () => {
  test('reads a push as the database sends it', () => {
    expect(parseReaderStatusChange(good)).toEqual({
      readerId: READER,
      status: 'busy',
      message: 'With a client until 3pm',
      lastSeenAt: '2026-11-25T12:00:00.123456+00:00',
    });
  });

  test.each(['available', 'busy', 'away', 'offline'])('accepts the status %s, with no message and no last-seen time', (status) => {
    expect(parseReaderStatusChange({ ...good, status, message: null, last_seen_at: null })).toEqual({
      readerId: READER,
      status,
      message: null,
      lastSeenAt: null,
    });
  });

  test('keeps only the known fields', () => {
    const parsed = parseReaderStatusChange({ ...good, is_reader: true, average_rating: 5, __proto__: { admin: true } });
    expect(Object.keys(parsed ?? {}).sort()).toEqual(['lastSeenAt', 'message', 'readerId', 'status']);
  });

  test.each([
    ['nothing', undefined],
    ['null', null],
    ['a string', JSON.stringify(good)],
    ['an array', [good]],
    ['no reader id', { ...good, reader_id: undefined }],
    ['a reader id that is not a uuid', { ...good, reader_id: '1' }],
    ['a uuid with more around it', { ...good, reader_id: `${READER}; drop table users` }],
    ['a numeric reader id', { ...good, reader_id: 42 }],
    ['an unknown status', { ...good, status: 'asleep' }],
    ['a status in other case', { ...good, status: 'BUSY' }],
    ['a status that is not a string', { ...good, status: { toString: (): string => 'busy' } }],
    ['a missing message', { reader_id: READER, status: 'busy', last_seen_at: null }],
    ['a message that is not a string', { ...good, message: 42 }],
    ['a huge message', { ...good, message: 'x'.repeat(MAX_MESSAGE_LENGTH + 1) }],
    ['a missing last-seen time', { reader_id: READER, status: 'busy', message: null }],
    ['a last-seen time that is not a time', { ...good, last_seen_at: 'yesterday' }],
    ['a last-seen time that does not exist', { ...good, last_seen_at: '2026-13-45T25:00:00Z' }],
    ['a last-seen time as a number', { ...good, last_seen_at: 1_764_000_000_000 }],
    ['a huge last-seen time', { ...good, last_seen_at: `2026-11-25T12:00:00${'0'.repeat(100_000)}Z` }],
  ])('ignores %s', (_name, payload) => {
    expect(parseReaderStatusChange(payload)).toBeNull();
  });

  test('a message up to the bound is kept whole', () => {
    const message = 'x'.repeat(MAX_MESSAGE_LENGTH);
    expect(parseReaderStatusChange({ ...good, message })?.message).toBe(message);
  });
});
