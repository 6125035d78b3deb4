/**
 * @module
 * Socket ids: two random decimal integers joined by a dot, the `digits.digits` form the SDKs check
 * (`SOCKET_ID_PATTERN` in `@herald/sdk/protocol`). 10^20 combinations make a cluster-wide clash
 * negligible; the local registry is checked anyway.
 */
import { randomInt } from 'node:crypto';

const MAX_PART = 10_000_000_000;

/** A new random socket id (`123456789.987654321`). */
export function generateSocketId(): string {
  return `${randomInt(1, MAX_PART)}.${randomInt(1, MAX_PART)}`;
}
