/**
 * @module
 * Sends one webhook request with undici and classifies the outcome. Never throws.
 */
import {
  WEBHOOK_CONTENT_TYPE,
  WEBHOOK_KEY_HEADER,
  WEBHOOK_SIGNATURE_HEADER,
} from '@herald/sdk/protocol';
import { request, type Dispatcher } from 'undici';
import { isRetryableStatus, parseRetryAfter } from './backoff.js';
import type { WebhookDelivery } from './queue.js';

/** What one attempt gave. */
export interface SendResult {
  /** 2xx. */
  readonly ok: boolean;
  /** The HTTP status; absent on a network error or timeout. */
  readonly status?: number;
  /** Whether trying again may help (network error, timeout, 408, 429, 5xx). */
  readonly retryable: boolean;
  /** The receiver's `Retry-After`, in ms. */
  readonly retryAfterMs?: number | undefined;
  /** The network error or timeout, for logs. */
  readonly error?: string;
}

/**
 * POSTs `delivery` once. `timeoutMs` bounds the whole exchange; `signal` aborts it (shutdown
 * deadline). The response body is discarded.
 */
export async function sendWebhook(
  dispatcher: Dispatcher,
  delivery: WebhookDelivery,
  timeoutMs: number,
  signal: AbortSignal,
): Promise<SendResult> {
  try {
    const response = await request(delivery.url, {
      method: 'POST',
      dispatcher,
      headers: {
        'content-type': WEBHOOK_CONTENT_TYPE,
        [WEBHOOK_KEY_HEADER]: delivery.appKey,
        [WEBHOOK_SIGNATURE_HEADER]: delivery.signature,
        'user-agent': 'herald-webhooks',
      },
      body: delivery.body,
      signal: AbortSignal.any([signal, AbortSignal.timeout(timeoutMs)]),
      headersTimeout: timeoutMs,
      bodyTimeout: timeoutMs,
    });
    await response.body.dump();
    const status = response.statusCode;
    const ok = status >= 200 && status < 300;
    return {
      ok,
      status,
      retryable: !ok && isRetryableStatus(status),
      retryAfterMs: ok ? undefined : parseRetryAfter(response.headers['retry-after']),
    };
  } catch (error) {
    const err = error as Error & { code?: string };
    // A request undici refuses to build (bad URL or header) will never succeed; anything else
    // (refused, reset, DNS, timeout) may.
    const retryable = err.code !== 'UND_ERR_INVALID_ARG';
    return { ok: false, retryable, error: err.code ?? err.name ?? String(error) };
  }
}
