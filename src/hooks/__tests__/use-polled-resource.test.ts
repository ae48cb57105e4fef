import { act, renderHook } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, test, vi } from 'vitest';
import { usePolledResource } from '@/hooks/use-polled-resource';

let visibility: DocumentVisibilityState;

function setVisibility(state: DocumentVisibilityState) {
  visibility = state;
  act(() => {
    document.dispatchEvent(new Event('visibilitychange'));
  });
}

/** Lets resolved loads reach React state. */
async function settle() {
  await act(async () => {
    await vi.advanceTimersByTimeAsync(0);
  });
}

/** Answers a load that is out, in an async act so that the answer reaches React state. */
function answerLoad<T>(resolve: (value: T) => void, value: T) {
  return act(() => {
    resolve(value);
    return Promise.resolve();
  });
}

beforeEach(() => {
  vi.useFakeTimers();
  visibility = 'visible';
  vi.spyOn(document, 'visibilityState', 'get').mockImplementation(() => visibility);
});

afterEach(() => {
  vi.useRealTimers();
  vi.restoreAllMocks();
});

describe('usePolledResource', () => {
  test('loads at once, then once per interval', async () => {
    const load = vi.fn(() => Promise.resolve('data'));
    const { result } = renderHook(() => usePolledResource(load, 1000));
    expect(result.current.isLoading).toBe(true);
    await settle();
    expect(result.current).toMatchObject({ data: 'data', isLoading: false, error: null });
    expect(load).toHaveBeenCalledTimes(1);

    await act(() => vi.advanceTimersByTimeAsync(999));
    expect(load).toHaveBeenCalledTimes(1);
    await act(() => vi.advanceTimersByTimeAsync(1));
    expect(load).toHaveBeenCalledTimes(2);
    await act(() => vi.advanceTimersByTimeAsync(3000));
    expect(load).toHaveBeenCalledTimes(5);
  });

  test('shows each new answer', async () => {
    let round = 0;
    const { result } = renderHook(() => usePolledResource(() => Promise.resolve(++round), 1000));
    await settle();
    expect(result.current.data).toBe(1);
    await act(() => vi.advanceTimersByTimeAsync(1000));
    expect(result.current.data).toBe(2);
  });

  test('a hidden tab makes no requests; coming back loads at once and restarts the interval', async () => {
    const load = vi.fn(() => Promise.resolve('data'));
    renderHook(() => usePolledResource(load, 1000));
    await settle();

    setVisibility('hidden');
    await act(() => vi.advanceTimersByTimeAsync(10_000));
    expect(load).toHaveBeenCalledTimes(1);

    setVisibility('visible');
    await settle();
    expect(load).toHaveBeenCalledTimes(2);
    await act(() => vi.advanceTimersByTimeAsync(1000));
    expect(load).toHaveBeenCalledTimes(3);
  });

  test('a failure keeps the last good data, and the next success clears the error', async () => {
    const load = vi.fn<() => Promise<string>>().mockResolvedValueOnce('good').mockRejectedValueOnce(new Error('down')).mockResolvedValue('better');
    const { result } = renderHook(() => usePolledResource(load, 1000));
    await settle();

    await act(() => vi.advanceTimersByTimeAsync(1000));
    expect(result.current).toMatchObject({ data: 'good', error: new Error('down'), isLoading: false });

    await act(() => vi.advanceTimersByTimeAsync(1000));
    expect(result.current).toMatchObject({ data: 'better', error: null });
  });

  test('a first load that fails is an error, not an endless loading state', async () => {
    const { result } = renderHook(() => usePolledResource(() => Promise.reject(new Error('down')), 1000));
    await settle();
    expect(result.current).toMatchObject({ data: undefined, isLoading: false, error: new Error('down') });
  });

  test('refresh loads now and the interval counts again from then', async () => {
    const load = vi.fn(() => Promise.resolve('data'));
    const { result } = renderHook(() => usePolledResource(load, 1000));
    await settle();
    await act(() => vi.advanceTimersByTimeAsync(600));

    act(() => result.current.refresh());
    await settle();
    expect(load).toHaveBeenCalledTimes(2);
    await act(() => vi.advanceTimersByTimeAsync(600));
    expect(load).toHaveBeenCalledTimes(2);
    await act(() => vi.advanceTimersByTimeAsync(400));
    expect(load).toHaveBeenCalledTimes(3);
  });

  test('an older answer that arrives late never replaces a newer one', async () => {
    const resolvers: ((value: string) => void)[] = [];
    const load = () => new Promise<string>((resolve) => resolvers.push(resolve));
    const { result } = renderHook(() => usePolledResource(load, 1000));
    act(() => result.current.refresh());

    await answerLoad(resolvers[1]!, 'new');
    await answerLoad(resolvers[0]!, 'old');
    expect(result.current.data).toBe('new');
  });

  test('each load is given the data on screen, so it can extend it; an answer that came too late is not', async () => {
    const resolvers: ((value: string[]) => void)[] = [];
    const load = vi.fn((_current: string[] | undefined) => new Promise<string[]>((resolve) => resolvers.push(resolve)));
    const { result } = renderHook(() => usePolledResource(load, 1000));
    act(() => result.current.refresh());
    await answerLoad(resolvers[1]!, ['page 1']);
    await answerLoad(resolvers[0]!, ['stale']);

    act(() => result.current.refresh());
    await answerLoad(resolvers[2]!, ['page 1', 'page 2']);

    expect(load.mock.calls.map(([current]) => current)).toEqual([undefined, undefined, ['page 1']]);
    expect(result.current.data).toEqual(['page 1', 'page 2']);
  });

  test('unmounting stops polling and removes its listener', async () => {
    const load = vi.fn(() => Promise.resolve('data'));
    const removeListener = vi.spyOn(document, 'removeEventListener');
    const { unmount } = renderHook(() => usePolledResource(load, 1000));
    await settle();
    unmount();

    expect(removeListener).toHaveBeenCalledWith('visibilitychange', expect.any(Function));
    await vi.advanceTimersByTimeAsync(5000);
    expect(load).toHaveBeenCalledTimes(1);
  });
});

test('a load slower than the interval is waited for, so its answer (or failure) still shows', async () => {
  vi.useFakeTimers();
  let calls = 0;
  const load = () => {
    calls += 1;
    return new Promise<string>((_, reject) => setTimeout(() => reject(new Error('down')), 7_000));
  };
  const { result } = renderHook(() => usePolledResource(load, 2_000));
  await act(() => vi.advanceTimersByTimeAsync(6_000));
  expect(calls).toBe(1);
  await act(() => vi.advanceTimersByTimeAsync(1_000));
  expect(result.current.error).toEqual(new Error('down'));
  await act(() => vi.advanceTimersByTimeAsync(1_000));
  expect(calls).toBe(2);
  vi.useRealTimers();
});
