/**
 * @module
 * The pino logger factory. Modules receive a (child) logger; they never create one.
 */
import { pino, type Logger } from 'pino';

export type { Logger } from 'pino';

/** Creates the root logger at `level`; secrets are redacted wherever they appear as fields. */
export function createLogger(level: string): Logger {
  return pino({
    level,
    base: { service: 'herald' },
    redact: {
      paths: ['secret', '*.secret', 'apps[*].secret', 'auth_signature'],
      censor: '[redacted]',
    },
  });
}
