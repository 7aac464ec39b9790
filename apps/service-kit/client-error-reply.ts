/**
 * Answers to requests Node's HTTP parser refuses before any route sees them
 * (a malformed request, headers over the size limit, a request not received
 * within the request timeout), in the services' one error shape instead of
 * Fastify's default body. Written straight to the socket, which is then
 * closed: the connection cannot carry another request.
 */
import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { errorBody } from './error-reply';

/** The status and message for a client error of Node's HTTP server. */
function describeClientError(
  code: string | undefined,
  requestTimeoutMs: number,
): { readonly statusCode: number; readonly message: string } {
  if (code === 'ERR_HTTP_REQUEST_TIMEOUT') return { statusCode: 408, message: `request not received within ${requestTimeoutMs} ms` };
  if (code === 'HPE_HEADER_OVERFLOW') return { statusCode: 431, message: 'request headers are too large' };
  return { statusCode: 400, message: 'malformed HTTP request' };
}

/** Fastify's `clientErrorHandler` for a server whose request timeout is `requestTimeoutMs`. */
export function clientErrorReply(requestTimeoutMs: number) {
  return function answerClientError(this: FastifyInstance, error: Error & { code?: string }, socket: Socket): void {
    if (error.code === 'ECONNRESET' || socket.destroyed) return;
    const { statusCode, message } = describeClientError(error.code, requestTimeoutMs);
    this.log.debug({ err: error, statusCode }, 'client error');
    if (socket.writable) {
      const body = JSON.stringify(errorBody(statusCode, message));
      socket.write(
        `HTTP/1.1 ${statusCode} ${STATUS_CODES[statusCode]}\r\nContent-Type: application/json; charset=utf-8\r\n` +
          `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
      );
    }
    socket.destroy();
  };
}
