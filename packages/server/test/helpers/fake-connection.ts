/**
 * A connection registered straight in the adapter (no WebSocket): records the frames it receives.
 */
import type { LocalConnection } from '../../src/adapters/adapter.js';
import type { OutboundFrame } from '../../src/protocol/frame.js';

/** A recording {@link LocalConnection}. */
export class FakeConnection implements LocalConnection {
  readonly frames: OutboundFrame[] = [];
  closed: { code: number; reason: string } | undefined;
  constructor(readonly socketId: string) {}
  send(frame: OutboundFrame): void {
    this.frames.push(frame);
  }
  close(code: number, reason: string): void {
    this.closed = { code, reason };
  }
  /** The received frames, parsed. */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- tests poke at untyped frames
  get messages(): any[] {
    return this.frames.map((f) => JSON.parse(f.text));
  }
}
