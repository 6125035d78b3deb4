#!/usr/bin/env node
/**
 * @module
 * The `herald` executable: runs the CLI, sets the exit code, and on SIGTERM/SIGINT stops the server
 * gracefully (every socket closed with 4200, in-flight requests finished) and exits 0.
 */
import { runCli } from './run.js';

const result = await runCli(process.argv.slice(2), {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
  env: process.env,
  cwd: process.cwd(),
}).catch((error: unknown) => {
  process.stderr.write(`herald: ${(error as Error).stack ?? String(error)}\n`);
  return { exitCode: 1 };
});

if ('exitCode' in result) {
  process.exitCode = result.exitCode;
} else {
  const { server } = result;
  let stopping = false;
  const stop = (signal: NodeJS.Signals): void => {
    if (stopping) {
      process.exit(1); // a second signal: give up waiting
    }
    stopping = true;
    server.context.logger.info({ signal }, 'Stopping');
    // Backstop: stop() forces connections closed after shutdownTimeoutMs; never hang beyond it.
    setTimeout(() => process.exit(1), server.config.shutdownTimeoutMs + 2000).unref();
    server.stop().then(
      () => process.exit(0),
      (error: unknown) => {
        server.context.logger.error({ err: error }, 'Shutdown failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}
