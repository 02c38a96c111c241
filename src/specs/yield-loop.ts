/**
 * Long loops over a big fleet give the event loop a turn every {@link YIELD_EVERY} items, so that
 * timers, the webhook and health checks of the daemon are served while thousands of files go by.
 */

/** Items handled between two yields to the event loop. */
export const YIELD_EVERY = 500;

/** Resolves on the event loop's next turn. */
export const yieldToLoop = (): Promise<void> => new Promise<void>((resolve) => setImmediate(resolve));

/** Calls `each` on every item in order, yielding to the event loop every {@link YIELD_EVERY} items. */
export async function forEachYielding<T>(
  items: readonly T[],
  each: (item: T, index: number) => void,
): Promise<void> {
  for (let i = 0; i < items.length; i++) {
    if (i > 0 && i % YIELD_EVERY === 0) await yieldToLoop();
    each(items[i]!, i);
  }
}
