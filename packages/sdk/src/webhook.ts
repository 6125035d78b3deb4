/**
 * @module
 * Webhooks: `pusher`'s `WebHook` class (drop-in) and the spec's verified, typed, decrypted form.
 */
import {
  WEBHOOK_CONTENT_TYPE,
  WEBHOOK_KEY_HEADER,
  WEBHOOK_SIGNATURE_HEADER,
  channelType,
  isEncryptedChannel,
  type ChannelKind,
  type WebhookEventName,
} from './protocol/index.js';
import { WebHookError, WebhookVerificationError } from './errors.js';
import { Token } from './token.js';
import { decryptPayload } from './encryption.js';

/** A received webhook request: headers with lower-case keys and the raw body text. */
export interface WebHookRequest {
  /** Request headers; keys must be lower-case (as Node's `req.headers`). */
  headers: object;
  /** The raw body, exactly as received (not re-serialized JSON). */
  rawBody: string;
}

/** One webhook event as Pusher sends it. */
export interface Event {
  /** `channel_occupied`, `member_added`, `client_event`, … */
  name: string;
  /** Channel name. */
  channel: string;
  /** Client event name (`client_event` only). */
  event: string;
  /** Client event data (`client_event` only). */
  data: string;
  /** Sender socket id (`client_event` only). */
  socket_id: string;
  /** Member id (`member_added`/`member_removed`, and `client_event` on presence channels). */
  user_id?: string;
}

/** A webhook body: the time it was sent and its events. */
export interface WebHookData {
  /** Milliseconds since the epoch. */
  time_ms: number;
  /** The events. */
  events: Event[];
}

/** A key/secret pair accepted by `isValid` (plain objects or {@link Token}). */
export interface TokenLike {
  /** App key. */
  key: string;
  /** App secret. */
  secret: string;
}

function header(headers: object, name: string): string | undefined {
  const value = (headers as Record<string, unknown> | null | undefined)?.[name];
  return typeof value === 'string' ? value : undefined;
}

/** `pusher`'s WebHook: check `isValid()` before reading the data. */
export class WebHook {
  /** The primary token. */
  readonly token: Token;
  /** `x-pusher-key` header. */
  readonly key: string | undefined;
  /** `x-pusher-signature` header. */
  readonly signature: string | undefined;
  /** `content-type` header. */
  readonly contentType: string | undefined;
  /** The raw body. */
  readonly body: string;
  /** Parsed body, when the content type is JSON and the body parses. */
  readonly data: WebHookData | undefined;

  /**
   * @param token - The app's key and secret.
   * @param request - Lower-case headers and raw body.
   */
  constructor(token: Token, request: WebHookRequest) {
    this.token = token;
    this.key = header(request.headers, WEBHOOK_KEY_HEADER);
    this.signature = header(request.headers, WEBHOOK_SIGNATURE_HEADER);
    this.contentType = header(request.headers, 'content-type');
    this.body = request.rawBody;
    if (this.isContentTypeValid()) {
      try {
        this.data = JSON.parse(this.body) as WebHookData;
      } catch {
        // Invalid JSON: isBodyValid() reports it.
      }
    }
  }

  /** True when the body is JSON and signed by the primary token or one of `extraTokens`. */
  isValid(extraTokens?: TokenLike | TokenLike[]): boolean {
    if (!this.isBodyValid()) return false;
    const extras =
      extraTokens === undefined ? [] : Array.isArray(extraTokens) ? extraTokens : [extraTokens];
    for (const candidate of [this.token, ...extras]) {
      const token =
        candidate instanceof Token ? candidate : new Token(candidate.key, candidate.secret);
      if (
        this.key === token.key &&
        this.signature !== undefined &&
        token.verify(this.body, this.signature)
      ) {
        return true;
      }
    }
    return false;
  }

  /** True when Content-Type is exactly `application/json` (as in `pusher`). */
  isContentTypeValid(): boolean {
    return this.contentType === WEBHOOK_CONTENT_TYPE;
  }

  /** True when the body was parsed. */
  isBodyValid(): boolean {
    return this.data !== undefined;
  }

  /** The parsed body; throws {@link WebHookError} when invalid. */
  getData(): WebHookData {
    if (this.data === undefined) {
      throw new WebHookError('Invalid WebHook body', this.contentType, this.body, this.signature);
    }
    return this.data;
  }

  /** The events; throws {@link WebHookError} when invalid. */
  getEvents(): Event[] {
    return this.getData().events;
  }

  /** When the webhook was sent; throws {@link WebHookError} when invalid. */
  getTime(): Date {
    return new Date(this.getData().time_ms);
  }
}

/** A webhook request for {@link Pusher.verifyWebhook}: any header casing, `Headers` objects accepted. */
export interface WebhookRequestInput {
  /** Request headers (`Headers`, a record in any casing, or Node's `IncomingHttpHeaders`). */
  headers: Headers | Record<string, string | string[] | undefined>;
  /** The raw body text. */
  body: string | undefined | null;
}

/** One verified webhook event, typed (spec `WebhookEvent`). */
export interface WebhookEvent {
  /** The event type. */
  readonly name: WebhookEventName | (string & {});
  /** The channel's full name. */
  readonly channel: string;
  /** The channel's kind (from its prefix). */
  readonly channelType: ChannelKind;
  /** Client event name (`client_event`). */
  readonly event?: string;
  /** Event data; decrypted plaintext for `private-encrypted-` channels. */
  readonly data?: string;
  /** Sender socket id (`client_event`). */
  readonly socketId?: string;
  /** Member id (`member_*`, presence `client_event`). */
  readonly userId?: string;
  /** `subscription_count` webhooks: the count. */
  readonly subscriptionCount?: number;
  /** True when `data` was decrypted from a `private-encrypted-` channel payload. */
  readonly decrypted?: boolean;
}

/** A verified webhook (spec `Webhook`). */
export interface Webhook {
  /** When Pusher sent it. */
  readonly createdAt: Date;
  /** The same, in epoch milliseconds. */
  readonly timeMs: number;
  /** The events, encrypted data decrypted. */
  readonly events: readonly WebhookEvent[];
}

function headerValue(headers: WebhookRequestInput['headers'], name: string): string | undefined {
  if (
    typeof (headers as Headers).get === 'function' &&
    typeof (headers as Headers).has === 'function'
  ) {
    return (headers as Headers).get(name) ?? undefined;
  }
  const record = headers as Record<string, string | string[] | undefined>;
  for (const key of Object.keys(record)) {
    if (key.toLowerCase() === name) {
      const v = record[key];
      return Array.isArray(v) ? v[0] : v;
    }
  }
  return undefined;
}

/**
 * Verifies a webhook (spec `verifyWebhook`): the key header must name one of `tokens`, the body must
 * be present, the signature must match that token's secret, and the body must be webhook JSON.
 * Events on `private-encrypted-` channels are decrypted with `masterKey`. Unlike `pusher`'s
 * `isValid`, the content type may carry parameters (`application/json; charset=utf-8`).
 */
export function verifyWebhook(
  tokens: readonly TokenLike[],
  masterKey: Uint8Array | undefined,
  request: WebhookRequestInput,
): Webhook {
  const key = headerValue(request.headers, WEBHOOK_KEY_HEADER);
  const match = key === undefined ? undefined : tokens.find((t) => t.key === key);
  if (!match) {
    throw new WebhookVerificationError(
      'key_header_missing_or_invalid',
      'The X-Pusher-Key header is missing or does not name this app',
    );
  }
  const body = request.body;
  if (body === undefined || body === null || body.length === 0) {
    throw new WebhookVerificationError('body_missing', 'The webhook request has no body');
  }
  const signature = headerValue(request.headers, WEBHOOK_SIGNATURE_HEADER);
  const token = match instanceof Token ? match : new Token(match.key, match.secret);
  if (signature === undefined || !token.verify(body, signature)) {
    throw new WebhookVerificationError(
      'signature_header_missing_or_invalid',
      'The X-Pusher-Signature header is missing or does not match the body',
    );
  }
  let parsed: Partial<WebHookData> & { events?: unknown };
  try {
    parsed = JSON.parse(body) as typeof parsed;
  } catch {
    throw new WebhookVerificationError('body_invalid', 'The webhook body is not JSON');
  }
  if (typeof parsed?.time_ms !== 'number' || !Array.isArray(parsed.events)) {
    throw new WebhookVerificationError(
      'body_invalid',
      'The webhook body lacks a numeric time_ms and an events array',
    );
  }
  const events = (parsed.events as unknown as Array<Record<string, unknown>>).map((raw) =>
    toWebhookEvent(raw, masterKey),
  );
  return { createdAt: new Date(parsed.time_ms), timeMs: parsed.time_ms, events };
}

function toWebhookEvent(
  raw: Record<string, unknown>,
  masterKey: Uint8Array | undefined,
): WebhookEvent {
  const channel = typeof raw['channel'] === 'string' ? raw['channel'] : '';
  const event: {
    -readonly [K in keyof WebhookEvent]: WebhookEvent[K];
  } = {
    name: typeof raw['name'] === 'string' ? raw['name'] : '',
    channel,
    channelType: channelType(channel).kind,
  };
  if (typeof raw['event'] === 'string') event.event = raw['event'];
  if (typeof raw['data'] === 'string') event.data = raw['data'];
  if (typeof raw['socket_id'] === 'string') event.socketId = raw['socket_id'];
  if (typeof raw['user_id'] === 'string') event.userId = raw['user_id'];
  if (typeof raw['subscription_count'] === 'number') {
    event.subscriptionCount = raw['subscription_count'];
  }
  if (event.data !== undefined && isEncryptedChannel(channel)) {
    if (masterKey === undefined) {
      throw new WebhookVerificationError(
        'body_invalid',
        `Cannot decrypt the event on ${channel}: encryptionMasterKeyBase64 is not set`,
      );
    }
    try {
      event.data = decryptPayload(channel, masterKey, event.data);
      event.decrypted = true;
    } catch {
      throw new WebhookVerificationError(
        'body_invalid',
        `The event on ${channel} could not be decrypted with the master key`,
      );
    }
  }
  return event;
}
