/**
 * @module
 * Error classes. `RequestError` and `WebHookError` have the names, fields and messages of `pusher`
 * 5.3.4's; validation problems throw {@link ValidationError}, a plain `Error` subclass whose messages
 * are `pusher`'s own, plus a machine-readable `code`.
 */

/**
 * An HTTP API call failed: either the server answered with status ≥ 400 (`status` and `body` set,
 * message `Unexpected status code <n>`) or the request never completed (`error` holds the cause,
 * message `Request failed with an error`). `url` is the signed URL (it carries no secret).
 */
export class RequestError extends Error {
  /** The signed request URL. */
  url: string;
  /** The underlying failure (network error, `AbortError` on timeout), when no response arrived. */
  error: unknown;
  /** Response status code, if a response arrived. */
  status: number | undefined;
  /** Response body text, if a response arrived. */
  body: string | undefined;

  /**
   * @param message - Human-readable summary.
   * @param url - The signed request URL.
   * @param error - The cause, when no response arrived.
   * @param status - Response status, when one arrived.
   * @param body - Response body text, when one arrived.
   */
  constructor(message: string, url: string, error?: unknown, status?: number, body?: string) {
    super(message);
    this.name = 'PusherRequestError';
    this.url = url;
    this.error = error;
    this.status = status;
    this.body = body;
  }
}

/** A webhook's body could not be read as Pusher webhook JSON (thrown by `getData()` and friends). */
export class WebHookError extends Error {
  /** The request's Content-Type header. */
  contentType: string | undefined;
  /** The raw body. */
  body: string | undefined;
  /** The `X-Pusher-Signature` header. */
  signature: string | undefined;

  /**
   * @param message - Human-readable summary.
   * @param contentType - The request's Content-Type.
   * @param body - The raw body.
   * @param signature - The signature header.
   */
  constructor(
    message: string,
    contentType: string | undefined,
    body: string | undefined,
    signature: string | undefined,
  ) {
    super(message);
    this.name = 'PusherWebHookError';
    this.contentType = contentType;
    this.body = body;
    this.signature = signature;
  }
}

/** Machine-readable reasons a call was refused before any request was sent. */
export type ValidationErrorCode =
  | 'invalid_config'
  | 'invalid_channel'
  | 'invalid_socket_id'
  | 'invalid_event_name'
  | 'invalid_user'
  | 'invalid_params'
  | 'too_many_channels'
  | 'encrypted_multichannel'
  | 'batch_too_large'
  | 'batch_multichannel'
  | 'encryption_key_missing'
  | 'public_channel_auth'
  | 'presence_user_data_missing';

/** A call was refused before any request was sent (thrown synchronously, as `pusher` does). */
export class ValidationError extends Error {
  /** Why the call was refused. */
  readonly code: ValidationErrorCode;

  /**
   * @param code - Why the call was refused.
   * @param message - Human-readable summary (never contains a secret).
   */
  constructor(code: ValidationErrorCode, message: string) {
    super(message);
    this.name = 'PusherValidationError';
    this.code = code;
  }
}

/** Why {@link Pusher.verifyWebhook} rejected a webhook request. */
export type WebhookVerificationErrorCode =
  | 'key_header_missing_or_invalid'
  | 'signature_header_missing_or_invalid'
  | 'body_missing'
  | 'body_invalid';

/** A webhook request failed verification (spec `verifyWebhook`). */
export class WebhookVerificationError extends Error {
  /** Why verification failed. */
  readonly code: WebhookVerificationErrorCode;

  /**
   * @param code - Why verification failed.
   * @param message - Human-readable summary.
   */
  constructor(code: WebhookVerificationErrorCode, message: string) {
    super(message);
    this.name = 'PusherWebhookVerificationError';
    this.code = code;
  }
}
