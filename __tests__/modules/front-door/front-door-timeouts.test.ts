import { Duration } from '../../../modules/core/duration';
import { checkFrontDoorTimeouts, type FrontDoorTimeouts } from '../../../modules/front-door/front-door-timeouts';

const fitting: FrontDoorTimeouts = {
  idleTimeout: Duration.seconds(60),
  longestAnswer: Duration.seconds(30),
  keepAliveTimeout: Duration.seconds(65),
  deregistrationDelay: Duration.seconds(30),
};
const check = (changes: Partial<FrontDoorTimeouts>) => () => checkFrontDoorTimeouts('FrontDoor test/Front', { ...fitting, ...changes });

describe('checkFrontDoorTimeouts with timeouts that fit together', () => {
  test('accepts idle timeout > longest answer, keep-alive > idle timeout, deregistration delay >= longest answer', () => {
    expect(check({})).not.toThrow();
    expect(check({ longestAnswer: Duration.millis(59_999), deregistrationDelay: Duration.seconds(60) })).not.toThrow();
    expect(check({ keepAliveTimeout: Duration.millis(60_001) })).not.toThrow();
  });
});

describe('checkFrontDoorTimeouts with a target slower than the idle timeout', () => {
  test('rejects the longest answer, with both numbers and what to change', () => {
    expect(check({ longestAnswer: Duration.seconds(68), deregistrationDelay: Duration.seconds(68) })).toThrow(
      "FrontDoor test/Front: invalid prop 'target.longestAnswer': the target may take 68 s to answer, but the load balancer's idleTimeout is 60 s: " +
        'the load balancer would close the connection first and the client would get a 504. Raise idleTimeout above 68 s, or make the target answer sooner',
    );
  });

  test('rejects a longest answer equal to the idle timeout', () => {
    expect(check({ longestAnswer: Duration.seconds(60), deregistrationDelay: Duration.seconds(60) })).toThrow(/target.longestAnswer/);
  });
});

describe('checkFrontDoorTimeouts with a keep-alive shorter than the idle timeout', () => {
  test("rejects Node's default keep-alive of 5 s against the default idle timeout of 60 s", () => {
    expect(check({ keepAliveTimeout: Duration.seconds(5) })).toThrow(
      /invalid prop 'target.keepAliveTimeout': the target closes idle connections after 5 s, but the load balancer's idleTimeout is 60 s: .*502s\. Set the target's keep-alive timeout above 60 s/,
    );
  });

  test('rejects a keep-alive equal to the idle timeout', () => {
    expect(check({ keepAliveTimeout: Duration.seconds(60) })).toThrow(/target.keepAliveTimeout/);
  });
});

describe('checkFrontDoorTimeouts with a deregistration delay shorter than the longest answer', () => {
  test('rejects the delay, which would cut requests in flight', () => {
    expect(check({ deregistrationDelay: Duration.seconds(29) })).toThrow(
      /invalid prop 'target.deregistrationDelay': a deregistering target gets 29 s to finish, but may take 30 s to answer.*at least 30 s/,
    );
  });
});

describe('checkFrontDoorTimeouts with prop names of the caller', () => {
  test('names the props as the caller wrote them', () => {
    expect(() =>
      checkFrontDoorTimeouts(
        'Stack ingestion',
        { ...fitting, keepAliveTimeout: Duration.seconds(5) },
        {
          idleTimeout: 'albIdleTimeout',
          longestAnswer: 'requestBudget',
          keepAliveTimeout: 'appKeepAlive',
          deregistrationDelay: 'drain',
        },
      ),
    ).toThrow(/Stack ingestion: invalid prop 'appKeepAlive': .*albIdleTimeout is 60 s/);
  });
});
