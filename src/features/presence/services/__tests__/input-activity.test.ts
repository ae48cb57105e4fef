import { afterEach, describe, expect, test, vi } from 'vitest';
import { createInputActivity, type InputActivity } from '@/features/presence/services/input-activity';
import { fakeChannelBus } from '@/testing/fake-browser';

/** One browser: a clock the test moves, and a BroadcastChannel shared by its tabs. */
function browser() {
  let time = 1_000_000;
  const bus = fakeChannelBus();
  const started: InputActivity[] = [];
  return {
    bus,
    now: () => time,
    pass(ms: number) {
      time += ms;
    },
    /** A tab: its own window (an EventTarget) and its activity, started with `onReturn`. */
    tab(name: string, onReturn = vi.fn()) {
      const target = new EventTarget();
      const activity = createInputActivity('reader-presence', { target, BroadcastChannel: bus.forTab(name), now: () => time });
      activity.start(onReturn);
      started.push(activity);
      return { target, activity, onReturn, input: (type = 'keydown') => target.dispatchEvent(new Event(type)) };
    },
    stopAll: () => started.forEach((activity) => activity.stop()),
  };
}

let current: ReturnType<typeof browser> | undefined;
function setUp() {
  current = browser();
  return current;
}

afterEach(() => {
  current?.stopAll();
  current = undefined;
});

describe('input activity', () => {
  test('idle seconds count whole seconds since the last input, from the start', () => {
    const b = setUp();
    const { activity, input } = b.tab('a');
    expect(activity.idleSeconds()).toBe(0);

    b.pass(90_900);
    expect(activity.idleSeconds()).toBe(90);
    input();
    expect(activity.idleSeconds()).toBe(0);
    b.pass(1_999);
    expect(activity.idleSeconds()).toBe(1);
  });

  test.each(['keydown', 'pointerdown', 'pointermove', 'wheel', 'touchstart'])('%s counts as input', (type) => {
    const b = setUp();
    const { activity, input } = b.tab('a');
    b.pass(30_000);
    input(type);
    expect(activity.idleSeconds()).toBe(0);
  });

  test('other events (focus, scroll, visibility) are not input', () => {
    const b = setUp();
    const { activity, input } = b.tab('a');
    b.pass(30_000);
    for (const type of ['focus', 'scroll', 'visibilitychange', 'resize']) input(type);
    expect(activity.idleSeconds()).toBe(30);
  });

  test('input in one tab counts for every tab of the browser', () => {
    const b = setUp();
    const leader = b.tab('leader');
    const other = b.tab('other');
    b.pass(5 * 60_000);

    other.input();

    expect(other.activity.idleSeconds()).toBe(0);
    expect(leader.activity.idleSeconds()).toBe(0);
  });

  test('input is shared at most every 15 seconds per tab', () => {
    const b = setUp();
    const leader = b.tab('leader');
    const other = b.tab('other');
    b.pass(60_000);

    for (let second = 0; second < 30; second += 1) {
      other.input('pointermove');
      b.pass(1_000);
    }

    expect(b.bus.posted.filter((message) => message.owner === 'other')).toHaveLength(2);
    // The leader heard the latest input shared (15 s into the burst), not every move.
    expect(leader.activity.idleSeconds()).toBe(15);
  });

  test('input after a pause of a minute or more calls onReturn, once', () => {
    const b = setUp();
    const { onReturn, input } = b.tab('a');
    b.pass(60_000);

    input();
    input();
    expect(onReturn).toHaveBeenCalledOnce();
  });

  test('continuous input never calls onReturn', () => {
    const b = setUp();
    const { onReturn, input } = b.tab('a');
    for (let step = 0; step < 30; step += 1) {
      b.pass(59_000);
      input();
    }
    expect(onReturn).not.toHaveBeenCalled();
  });

  test('the leading tab hears a return that happened in another tab', () => {
    const b = setUp();
    const leader = b.tab('leader');
    const other = b.tab('other');
    b.pass(10 * 60_000);

    other.input();

    expect(leader.onReturn).toHaveBeenCalledOnce();
    expect(other.onReturn).toHaveBeenCalledOnce();
  });

  test('the same input heard back from another tab is not a second return', () => {
    const b = setUp();
    const leader = b.tab('leader');
    const other = b.tab('other');
    b.pass(2 * 60_000);
    leader.input();
    other.input();

    expect(leader.onReturn).toHaveBeenCalledOnce();
    expect(other.onReturn).toHaveBeenCalledOnce();
  });

  test('a time from the future in a message is taken as now, so idleness still counts', () => {
    const b = setUp();
    const { activity } = b.tab('a');
    const stranger = new b.bus.Channel('reader-presence:input');
    b.pass(30_000);

    stranger.postMessage({ type: 'input', at: b.now() + 3_600_000 });
    b.pass(45_000);

    expect(activity.idleSeconds()).toBe(45);
    stranger.close();
  });

  test('messages that are not input are ignored', () => {
    const b = setUp();
    const { activity, onReturn } = b.tab('a');
    const stranger = new b.bus.Channel('reader-presence:input');
    b.pass(2 * 60_000);

    stranger.postMessage({ type: 'join', tabId: 'x' });
    stranger.postMessage({ type: 'input', at: Number.NaN });
    stranger.postMessage(null);

    expect(activity.idleSeconds()).toBe(120);
    expect(onReturn).not.toHaveBeenCalled();
    stranger.close();
  });

  test('stop removes every listener and leaves the channel', () => {
    const b = setUp();
    const { activity, onReturn, input, target } = b.tab('a');
    const removed = vi.spyOn(target, 'removeEventListener');
    expect(b.bus.openChannels('reader-presence:input')).toBe(1);

    activity.stop();

    expect(removed.mock.calls.map(([type]) => type).sort()).toEqual(['keydown', 'pointerdown', 'pointermove', 'touchstart', 'wheel']);
    expect(b.bus.openChannels()).toBe(0);
    b.pass(5 * 60_000);
    input();
    input('pointerdown');
    expect(onReturn).not.toHaveBeenCalled();
    expect(activity.idleSeconds()).toBe(300);
  });

  test('a stopped tab no longer hears the others', () => {
    const b = setUp();
    const stopped = b.tab('stopped');
    const other = b.tab('other');
    stopped.activity.stop();
    b.pass(2 * 60_000);

    other.input();

    expect(stopped.onReturn).not.toHaveBeenCalled();
    expect(stopped.activity.idleSeconds()).toBe(120);
  });

  test('start twice listens once; start again after stop works', () => {
    const b = setUp();
    const target = new EventTarget();
    const added = vi.spyOn(target, 'addEventListener');
    const activity = createInputActivity('reader-presence', { target, BroadcastChannel: b.bus.Channel, now: b.now });
    const first = vi.fn();
    activity.start(first);
    activity.start(vi.fn());
    expect(added).toHaveBeenCalledTimes(5);
    expect(b.bus.openChannels()).toBe(1);

    activity.stop();
    const second = vi.fn();
    activity.start(second);
    b.pass(60_000);
    target.dispatchEvent(new Event('keydown'));
    expect(second).toHaveBeenCalledOnce();
    expect(first).not.toHaveBeenCalled();
    activity.stop();
  });

  test('starting counts as input: a reader signing in after an hour away is not idle', () => {
    const b = setUp();
    const target = new EventTarget();
    const activity = createInputActivity('reader-presence', { target, BroadcastChannel: undefined, now: b.now });
    b.pass(3_600_000);
    activity.start(vi.fn());
    expect(activity.idleSeconds()).toBe(0);
    activity.stop();
  });

  test('without BroadcastChannel a tab counts its own input', () => {
    const b = setUp();
    const target = new EventTarget();
    const onReturn = vi.fn();
    const activity = createInputActivity('reader-presence', { target, BroadcastChannel: undefined, now: b.now });
    activity.start(onReturn);
    b.pass(61_000);
    expect(activity.idleSeconds()).toBe(61);
    target.dispatchEvent(new Event('wheel'));
    expect(activity.idleSeconds()).toBe(0);
    expect(onReturn).toHaveBeenCalledOnce();
    activity.stop();
  });
});
