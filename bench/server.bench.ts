// The server suite: Herald against soketi (see bench/server/main.ts for its options).
import { runServerBench } from './server/main.js';

/** Runs the server benchmark with the command line's options. */
export function run(): Promise<void> {
  return runServerBench(process.argv.slice(2));
}
