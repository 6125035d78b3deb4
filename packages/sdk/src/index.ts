/**
 * @module
 * `@herald/sdk`: a drop-in replacement for the `pusher` server SDK.
 */
export * as protocol from './protocol/index.js';
