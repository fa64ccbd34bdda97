import type { IncomingMessage } from 'node:http';

/** DynamoDB's own request limit (BatchWriteItem); KMS requests are far smaller. */
export const MAX_REQUEST_BYTES = 16 * 1024 * 1024;

export class BodyTooLargeError extends Error {}

/** The client closed the connection before sending its whole body: nothing to answer. */
export class ClientAbortedError extends Error {}

/**
 * Reads the whole body; Node has already undone chunked transfer encoding and answered
 * `Expect: 100-continue`. Stops at the size cap rather than buffering without bound.
 */
export function readBody(req: IncomingMessage, limit = MAX_REQUEST_BYTES): Promise<Buffer> {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > limit) {
    return Promise.reject(new BodyTooLargeError());
  }
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        req.removeAllListeners('data');
        reject(new BodyTooLargeError());
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', (error) =>
      reject(new ClientAbortedError('The client closed the request early.', { cause: error })),
    );
  });
}
