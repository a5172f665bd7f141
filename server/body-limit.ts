import type http from 'node:http';

export class BodyTooLargeError extends Error {
  name = 'BodyTooLargeError';
  constructor(readonly limit: number) {
    super(`request body is larger than ${limit} bytes`);
  }
}

/**
 * Reads a request body whole, failing as soon as it grows past `limit` (a chunked body says its
 * size only at the end). On failure the rest is left unread: the caller answers and closes.
 * Kept whole so that a request sent on an upstream connection that was just closed can be sent again.
 */
export function readBody(req: http.IncomingMessage, limit: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size <= limit) return void chunks.push(chunk);
      req.off('data', onData);
      req.pause();
      reject(new BodyTooLargeError(limit));
    };
    req.on('data', onData);
    req.once('end', () => resolve(Buffer.concat(chunks, size)));
    req.once('error', reject);
    // After 'end' this changes nothing; before it, the client went away mid-body.
    req.once('close', () => reject(new Error('the client closed the connection before sending the whole body')));
  });
}
