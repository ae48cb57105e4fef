import { render, screen } from '@testing-library/react';
import { describe, expect, test } from 'vitest';
import { PresenceStatusLine, StatusDot } from '@/components/presence/presence-status';
import { STATUS_WORDS, type PresenceStatus } from '@/lib/presence-status';

const serverNow = new Date('2026-11-25T12:00:00Z');
const STATUSES: PresenceStatus[] = ['available', 'busy', 'away', 'offline'];

function renderLine(
  status: PresenceStatus,
  { message = null, lastSeenAt = '2026-11-25T11:48:00Z' }: { message?: string | null; lastSeenAt?: string | null } = {},
) {
  const { container } = render(<PresenceStatusLine status={status} message={message} lastSeenAt={lastSeenAt} serverNow={serverNow} />);
  return container;
}

/** The classes that are not colours: what still tells two dots apart to someone who cannot see colour. */
function shapeOf(dot: Element): string[] {
  return dot.className
    .split(/\s+/)
    .filter((name) => name !== '' && !/^(bg|text|border)-(?!\d|$)[a-z]+(-\d+)?$/.test(name))
    .sort();
}

describe('PresenceStatusLine', () => {
  test.each([
    ['available', 'Available'],
    ['busy', 'In a reading'],
    ['away', 'Away'],
    ['offline', 'Offline'],
  ] as const)('%s reads "%s"', (status, words) => {
    const line = renderLine(status);
    expect(screen.getByText(words)).toBeInTheDocument();
    for (const other of STATUSES.filter((s) => s !== status)) expect(line).not.toHaveTextContent(STATUS_WORDS[other]);
  });

  test('every status has words of its own', () => {
    expect(new Set(STATUSES.map((status) => STATUS_WORDS[status])).size).toBe(STATUSES.length);
  });

  test("offline says when the reader was last seen, on the server's clock", () => {
    renderLine('offline', { lastSeenAt: '2026-11-25T11:48:00Z' });
    expect(screen.getByText('· last seen 12 minutes ago')).toBeInTheDocument();
  });

  test('offline for a reader never seen online says so', () => {
    renderLine('offline', { lastSeenAt: null });
    expect(screen.getByText('· not seen online yet')).toBeInTheDocument();
  });

  test.each(['available', 'busy', 'away'] as const)('%s shows no "last seen": the reader is here', (status) => {
    expect(renderLine(status)).not.toHaveTextContent(/last seen|not seen/);
  });

  test("the reader's message is shown, in quotes", () => {
    renderLine('busy', { message: 'Back at 3pm' });
    expect(screen.getByText('“Back at 3pm”')).toBeInTheDocument();
  });

  test('no message, no quotes', () => {
    expect(renderLine('available', { message: null })).not.toHaveTextContent(/[“”]/);
    expect(renderLine('available', { message: '' })).not.toHaveTextContent(/[“”]/);
  });

  test('the dot is decoration: the words carry the status for screen readers', () => {
    const line = renderLine('available');
    const dot = line.querySelector('[aria-hidden="true"]');
    expect(dot).not.toBeNull();
    expect(dot).toBeEmptyDOMElement();
  });
});

describe('StatusDot', () => {
  function dotOf(status: PresenceStatus) {
    const { container } = render(<StatusDot status={status} className="size-2" />);
    return container.firstElementChild!;
  }

  test('is hidden from screen readers and keeps the size it is given', () => {
    const dot = dotOf('busy');
    expect(dot).toHaveAttribute('aria-hidden', 'true');
    expect(dot).toHaveClass('size-2', 'rounded-full');
  });

  test('away and offline are told apart without colour: a ring and a filled dot, and their words', () => {
    const away = dotOf('away');
    const offline = dotOf('offline');
    expect(shapeOf(away)).not.toEqual(shapeOf(offline));
    expect(away).toHaveClass('border-2', 'bg-transparent');
    expect(offline).not.toHaveClass('bg-transparent');
    expect(STATUS_WORDS.away).not.toBe(STATUS_WORDS.offline);
  });

  test('each status has a dot of its own', () => {
    const looks = STATUSES.map((status) => dotOf(status).className);
    expect(new Set(looks).size).toBe(STATUSES.length);
  });
});
