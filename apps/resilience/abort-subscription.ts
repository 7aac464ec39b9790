/**
 * Many short-lived calls waiting on one long-lived abort signal (the process's
 * shutdown signal) through a single listener per signal.
 *
 * Adding and removing an `abort` listener per call costs more than the
 * listener itself: Node's `EventTarget` keeps listeners in a linked list and
 * leaves a removed one pointing at its former neighbours. Once such a dead
 * listener has been promoted to the old generation, every young-generation
 * collection treats it as live and keeps the calls it points to, whose objects
 * then point to newer calls in turn: garbage survives and is promoted until a
 * full collection. Under load, ingestion's scavenges took 8–16 ms instead of
 * 2–4 ms and forced mark-compacts. Here each signal gets one listener for its
 * lifetime and the calls come and go in a `Set`, whose deleted entries hold
 * nothing.
 *
 * Bound: one `Set` entry per call in flight on the signal; the set is gone
 * with the signal (`WeakMap`).
 */

/** The callbacks waiting on each signal that has been subscribed to. */
const waiting = new WeakMap<AbortSignal, Set<() => void>>();

/**
 * Calls `onAbort` once when `signal` aborts, unless the returned function is
 * called first. `signal` must not have aborted yet (check `signal.aborted`
 * before: an abort that already happened is not reported); each subscription
 * needs its own function.
 */
export function subscribeToAbort(signal: AbortSignal, onAbort: () => void): () => void {
  const subscribed = waiting.get(signal) ?? listenOnce(signal);
  subscribed.add(onAbort);
  return () => {
    subscribed.delete(onAbort);
  };
}

/** Adds the one listener of `signal`, which calls the callbacks subscribed at the time of the abort. */
function listenOnce(signal: AbortSignal): Set<() => void> {
  const subscribed = new Set<() => void>();
  signal.addEventListener(
    'abort',
    () => {
      for (const callback of subscribed) callback();
      subscribed.clear();
    },
    { once: true },
  );
  waiting.set(signal, subscribed);
  return subscribed;
}
