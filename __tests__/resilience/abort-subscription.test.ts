import { getEventListeners } from 'node:events';
import { subscribeToAbort } from '../../apps/resilience/abort-subscription';

describe('subscribeToAbort', () => {
  it('calls every subscribed callback once when the signal aborts, and not the unsubscribed ones', () => {
    const controller = new AbortController();
    const called: string[] = [];
    subscribeToAbort(controller.signal, () => called.push('first'));
    const unsubscribe = subscribeToAbort(controller.signal, () => called.push('gone'));
    subscribeToAbort(controller.signal, () => called.push('third'));
    unsubscribe();
    controller.abort();
    controller.abort();
    expect(called).toEqual(['first', 'third']);
  });

  it('lets a callback unsubscribe another one while the abort is being reported', () => {
    const controller = new AbortController();
    const called: string[] = [];
    let unsubscribeSecond = (): void => undefined;
    subscribeToAbort(controller.signal, () => {
      called.push('first');
      unsubscribeSecond();
    });
    unsubscribeSecond = subscribeToAbort(controller.signal, () => called.push('second'));
    controller.abort();
    expect(called).toEqual(['first']);
  });

  it('adds one listener to a signal however many calls subscribe and unsubscribe', () => {
    const controller = new AbortController();
    for (let call = 0; call < 1_000; call++) {
      const unsubscribe = subscribeToAbort(controller.signal, () => undefined);
      if (call % 2 === 0) unsubscribe();
    }
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(1);
  });

  it('keeps signals apart', () => {
    const first = new AbortController();
    const second = new AbortController();
    const called: string[] = [];
    subscribeToAbort(first.signal, () => called.push('first'));
    subscribeToAbort(second.signal, () => called.push('second'));
    second.abort();
    expect(called).toEqual(['second']);
  });
});
