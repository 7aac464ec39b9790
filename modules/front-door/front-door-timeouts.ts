import type { IConstruct } from 'constructs';
import type { Duration } from '../core/duration';
import { InvalidPropError } from '../core/prop-error';

/** The timeouts along one request from a client through the load balancer to a target. */
export interface FrontDoorTimeouts {
  /** The load balancer's idle timeout: how long a connection may carry no bytes, both towards the client and the target. */
  readonly idleTimeout: Duration;
  /** The longest a target may take to answer one request (retries and back-off included). */
  readonly longestAnswer: Duration;
  /** The target's HTTP keep-alive timeout: how long it keeps an idle connection from the load balancer open. */
  readonly keepAliveTimeout: Duration;
  /** How long the load balancer lets a deregistering target finish its requests. */
  readonly deregistrationDelay: Duration;
}

/** The prop names the timeouts were given as, for messages. */
export interface FrontDoorTimeoutProps {
  /** Name of the idle timeout prop. */
  readonly idleTimeout: string;
  /** Name of the longest-answer prop. */
  readonly longestAnswer: string;
  /** Name of the keep-alive prop. */
  readonly keepAliveTimeout: string;
  /** Name of the deregistration-delay prop. */
  readonly deregistrationDelay: string;
}

/** The prop names of `FrontDoorProps`, the default of {@link checkFrontDoorTimeouts}. */
export const FRONT_DOOR_TIMEOUT_PROPS: FrontDoorTimeoutProps = {
  idleTimeout: 'idleTimeout',
  longestAnswer: 'target.longestAnswer',
  keepAliveTimeout: 'target.keepAliveTimeout',
  deregistrationDelay: 'target.deregistrationDelay',
};

/**
 * Throws an `InvalidPropError` on `construct` unless the timeouts fit together:
 *
 * 1. idle timeout > longest answer — otherwise the load balancer closes a
 *    connection on which the target is still working, and the client gets a
 *    504 for a request the target may yet complete;
 * 2. keep-alive timeout > idle timeout — otherwise the target closes an idle
 *    connection the load balancer still considers open, and the next request
 *    sent on it fails with a 502;
 * 3. deregistration delay >= longest answer — otherwise a deployment or a
 *    scale-in cuts requests in flight.
 */
export function checkFrontDoorTimeouts(
  construct: IConstruct | string,
  timeouts: FrontDoorTimeouts,
  props: FrontDoorTimeoutProps = FRONT_DOOR_TIMEOUT_PROPS,
): void {
  const idle = timeouts.idleTimeout.toMilliseconds();
  const longest = timeouts.longestAnswer.toMilliseconds();
  const keepAlive = timeouts.keepAliveTimeout.toMilliseconds();
  const drain = timeouts.deregistrationDelay.toMilliseconds();
  if (idle <= longest) {
    throw new InvalidPropError(
      construct,
      props.longestAnswer,
      `the target may take ${timeouts.longestAnswer} to answer, but the load balancer's ${props.idleTimeout} is ${timeouts.idleTimeout}: ` +
        `the load balancer would close the connection first and the client would get a 504. ` +
        `Raise ${props.idleTimeout} above ${timeouts.longestAnswer}, or make the target answer sooner`,
    );
  }
  if (keepAlive <= idle) {
    throw new InvalidPropError(
      construct,
      props.keepAliveTimeout,
      `the target closes idle connections after ${timeouts.keepAliveTimeout}, but the load balancer's ${props.idleTimeout} is ${timeouts.idleTimeout}: ` +
        `the load balancer would send requests on connections the target has closed, and clients would get 502s. ` +
        `Set the target's keep-alive timeout above ${timeouts.idleTimeout} (and ${props.keepAliveTimeout} to match), or lower ${props.idleTimeout}`,
    );
  }
  if (drain < longest) {
    throw new InvalidPropError(
      construct,
      props.deregistrationDelay,
      `a deregistering target gets ${timeouts.deregistrationDelay} to finish, but may take ${timeouts.longestAnswer} to answer: ` +
        `deployments and scale-in would cut requests in flight. Set ${props.deregistrationDelay} to at least ${timeouts.longestAnswer}`,
    );
  }
}
