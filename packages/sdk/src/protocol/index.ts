/**
 * @module
 * `@herald/sdk/protocol`: the Pusher Channels rules that both the Herald SDK and the Herald server
 * need (channel names and kinds, identifiers, limits, and the strings to sign). One source of truth.
 */
export * from './limits.js';
export * from './channel-name.js';
export * from './identifiers.js';
export * from './signing.js';
export * from './webhook.js';
export * from './webhook-events.js';
export * from './encryption.js';
