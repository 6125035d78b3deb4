/**
 * @module
 * `@herald/server`: the Herald realtime server (programmatic API).
 */
export { channelType } from '@herald/sdk/protocol';
