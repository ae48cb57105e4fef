import { describe, expect, test } from 'vitest';
import type { ReadingEndReason, ReadingState } from '@/features/readings/api/readings-api';
import { counterpartName, endedBecauseText, requestOutcomeText } from '@/features/readings/utils/reading-outcome';
import { CLIENT_ID, endedReading, liveReading, READER_ID, reading } from '@/testing/reading-fixtures';

describe('counterpartName', () => {
  test('the reader sees the client, the client sees the reader', () => {
    expect(counterpartName(reading(), READER_ID)).toBe('Ada Moss');
    expect(counterpartName(reading(), CLIENT_ID)).toBe('Luna Starweaver');
  });
});

describe('requestOutcomeText', () => {
  test.each([
    ['declined', 'Luna Starweaver declined your request. No reading took place and nothing is charged.'],
    ['expired', 'Luna Starweaver did not answer within a minute. No reading took place and nothing is charged.'],
    ['cancelled', 'You cancelled your request.'],
    ['ended', 'The reading has ended.'],
  ] as const)('%s: "%s"', (state: ReadingState, text) => {
    expect(requestOutcomeText(reading({ state }))).toBe(text);
  });

  test('nothing while the request rings or once the reading is live', () => {
    expect(requestOutcomeText(reading())).toBeNull();
    expect(requestOutcomeText(liveReading())).toBeNull();
  });
});

describe('endedBecauseText', () => {
  const ids = { client: CLIENT_ID, reader: READER_ID };
  test.each([
    ['hung_up', 'client', 'client', 'You hung up.'],
    ['hung_up', 'client', 'reader', 'Ada Moss hung up.'],
    ['hung_up', 'reader', 'reader', 'You hung up.'],
    ['hung_up', 'reader', 'client', 'Luna Starweaver hung up.'],
    ['connection_lost', 'client', 'client', 'The connection to Luna Starweaver was lost.'],
    ['connection_lost', 'client', 'reader', 'Ada Moss lost the connection to you.'],
    ['connection_lost', 'reader', 'reader', 'The connection to Ada Moss was lost.'],
    ['connection_lost', 'reader', 'client', 'Luna Starweaver lost the connection to you.'],
  ] as const)('%s by the %s, as the %s sees it: "%s"', (endReason: ReadingEndReason, endedBy, viewer, text) => {
    expect(endedBecauseText(endedReading({ endReason, endedBy: ids[endedBy] }), ids[viewer])).toBe(text);
  });

  test('a reading the database ended (abandoned) reads the same from both sides', () => {
    const abandoned = endedReading({ endReason: 'abandoned', endedBy: null });
    const text = 'One side stopped responding for two minutes, so the reading ended by itself.';
    expect(endedBecauseText(abandoned, CLIENT_ID)).toBe(text);
    expect(endedBecauseText(abandoned, READER_ID)).toBe(text);
  });

  test('a reading without an end reason has ended, plainly', () => {
    expect(endedBecauseText(endedReading({ endReason: null, endedBy: null }), CLIENT_ID)).toBe('The reading has ended.');
  });
});
