import * as grpc from '@grpc/grpc-js';

const TERMINAL = new Set([grpc.status.NOT_FOUND, grpc.status.OUT_OF_RANGE, grpc.status.INVALID_ARGUMENT, grpc.status.FAILED_PRECONDITION]);

/**
 * Follows a server stream across node failures: when the stream breaks (its node died, or was
 * cut off), it is reopened on the next endpoint from the position after the last message seen,
 * so the consumer gets no gap and no duplicate. `open(endpointIndex)` must resume from the
 * caller's current position. Ends when `signal` aborts; throws on a terminal status.
 */
export async function* resumableStream<T>(
  endpoints: number,
  open: (endpointIndex: number) => grpc.ClientReadableStream<T>,
  signal?: AbortSignal,
): AsyncGenerator<T> {
  let endpoint = 0;
  for (let failures = 0; !signal?.aborted; ) {
    const call = open(endpoint);
    const onAbort = () => call.cancel();
    signal?.addEventListener('abort', onAbort, { once: true });
    try {
      for await (const msg of call as AsyncIterable<T>) {
        failures = 0;
        yield msg;
      }
    } catch (e) {
      const err = e as grpc.ServiceError;
      if (signal?.aborted) return;
      if (TERMINAL.has(err.code)) throw err;
    } finally {
      signal?.removeEventListener('abort', onAbort);
    }
    endpoint = (endpoint + 1) % endpoints;
    failures++;
    await new Promise((r) => setTimeout(r, Math.min(50 * 2 ** Math.min(failures, 5), 1000)));
  }
}
