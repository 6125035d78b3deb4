/** A pino logger whose lines a test can read. */
import { pino } from 'pino';
import type { Logger } from '../../src/logger.js';

/** A logger and the JSON lines it wrote. */
export interface CapturedLogs {
  readonly logger: Logger;
  readonly lines: Record<string, unknown>[];
  /** Everything written, as one string (to look for leaked secrets). */
  text(): string;
}

/** Creates a logger at `level` that keeps its lines in memory. */
export function captureLogs(level = 'debug'): CapturedLogs {
  const raw: string[] = [];
  const lines: Record<string, unknown>[] = [];
  const logger = pino(
    { level },
    {
      write(chunk: string) {
        raw.push(chunk);
        lines.push(JSON.parse(chunk) as Record<string, unknown>);
      },
    },
  );
  return { logger, lines, text: () => raw.join('') };
}
