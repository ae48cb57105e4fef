/** Collects what a listener receives and waits, with a deadline, until a condition holds. */
export function collector<T>() {
  const items: T[] = [];
  return {
    items,
    push: (item: T) => items.push(item),
    async until(predicate: (items: T[]) => boolean, timeoutMs = 5_000): Promise<T[]> {
      const deadline = Date.now() + timeoutMs;
      while (!predicate(items)) {
        if (Date.now() > deadline) throw new Error(`timed out waiting; got ${JSON.stringify(items)}`);
        await new Promise((resolve) => setTimeout(resolve, 25));
      }
      return items;
    },
  };
}
