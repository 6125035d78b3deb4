/**
 * @module
 * Bounds a cluster call: it settles in time, or rejects with {@link AdapterTimeoutError}. A backend
 * failure also becomes an AdapterTimeoutError (the cluster could not answer), message kept.
 */
import { AdapterTimeoutError } from '../adapter.js';

/** Rejects with {@link AdapterTimeoutError} when `promise` does not settle within `ms`. */
export function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new AdapterTimeoutError(`The cluster did not answer in time (${what})`)),
      ms,
    );
    promise.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (error: unknown) => {
        clearTimeout(timer);
        if (error instanceof AdapterTimeoutError) return reject(error);
        const reason = error instanceof Error ? `: ${error.message}` : '';
        reject(new AdapterTimeoutError(`The cluster is unavailable (${what})${reason}`));
      },
    );
  });
}
