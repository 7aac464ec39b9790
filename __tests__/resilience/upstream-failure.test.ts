import { UpstreamFailure, UpstreamFailureError, classifyUpstreamError } from '../../apps/resilience/upstream-failure';

/** An error with a Node-style `code`, optionally wrapping another. */
function coded(code: string, cause?: unknown): Error {
  return Object.assign(new Error(code, { cause }), { code });
}

describe('classifyUpstreamError', () => {
  test.each([
    ['ECONNREFUSED', UpstreamFailure.CONNECTION_ERROR],
    ['ENOTFOUND', UpstreamFailure.CONNECTION_ERROR],
    ['UND_ERR_CONNECT_TIMEOUT', UpstreamFailure.CONNECTION_ERROR],
    ['UND_ERR_HEADERS_TIMEOUT', UpstreamFailure.TIMEOUT],
    ['UND_ERR_BODY_TIMEOUT', UpstreamFailure.TIMEOUT],
    ['ECONNRESET', UpstreamFailure.RESET],
    ['UND_ERR_SOCKET', UpstreamFailure.RESET],
    ['HPE_INVALID_CONSTANT', UpstreamFailure.RESET],
  ])('%s is %s', (code, failure) => {
    expect(classifyUpstreamError(coded(code))).toBe(failure);
  });

  test('finds the code on the cause chain (fetch wraps undici errors)', () => {
    expect(classifyUpstreamError(new TypeError('fetch failed', { cause: coded('ECONNREFUSED') }))).toBe(UpstreamFailure.CONNECTION_ERROR);
  });

  test('an error that names its failure is taken at its word, also as a cause', () => {
    const open = new UpstreamFailureError(UpstreamFailure.CIRCUIT_OPEN, 'circuit open');
    expect(classifyUpstreamError(open)).toBe(UpstreamFailure.CIRCUIT_OPEN);
    expect(classifyUpstreamError(new Error('wrapped', { cause: open }))).toBe(UpstreamFailure.CIRCUIT_OPEN);
  });

  test('an unknown error is OTHER, or what the caller says an unknown error is', () => {
    expect(classifyUpstreamError(new TypeError('bug'))).toBe(UpstreamFailure.OTHER);
    expect(classifyUpstreamError(coded('UND_ERR_SOMETHING_NEW'), UpstreamFailure.RESET)).toBe(UpstreamFailure.RESET);
    expect(classifyUpstreamError('a string')).toBe(UpstreamFailure.OTHER);
  });
});
