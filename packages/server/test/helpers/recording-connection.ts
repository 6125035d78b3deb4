/**
 * In-memory stand-ins for unit tests: a connection that records what it is sent, and a context
 * with the memory adapter and a silent logger.
 */
import type { LocalConnection } from '../../src/adapters/adapter.js';
import { MemoryAdapter } from '../../src/adapters/memory.js';
import type { App } from '../../src/apps/app-store.js';
import { StaticAppStore } from '../../src/apps/static-store.js';
import { appSchema, configSchema, type AppConfig } from '../../src/config/schema.js';
import type { ServerContext } from '../../src/context.js';
import { ServerEvents, type ServerEvent } from '../../src/events.js';
import { createLogger } from '../../src/logger.js';
import type { OutboundFrame } from '../../src/protocol/frame.js';

/** A connection that keeps every frame (parsed) and its close call. */
export class RecordingConnection implements LocalConnection {
  readonly frames: Array<{ event: string; channel?: string; data?: unknown }> = [];
  closed: { code: number; reason: string } | undefined;
  constructor(readonly socketId: string) {}
  send(frame: OutboundFrame): void {
    this.frames.push(JSON.parse(frame.text));
  }
  close(code: number, reason: string): void {
    this.closed ??= { code, reason };
  }
  /** Frames named `event`. */
  named(event: string) {
    return this.frames.filter((f) => f.event === event);
  }
  /** `data` of the frames named `event`, JSON-decoded when it is a string. */
  dataOf(event: string): unknown[] {
    return this.named(event).map((f) => (typeof f.data === 'string' ? JSON.parse(f.data) : f.data));
  }
}

/** A validated app with test credentials and `overrides`. */
export function testApp(overrides: Partial<AppConfig> = {}): App {
  return appSchema.parse({ id: 'app-id', key: 'app-key', secret: 'app-secret', ...overrides });
}

/** A context on the memory adapter that records every server event. */
export function testContext(apps: App[] = [testApp()]): ServerContext & { emitted: ServerEvent[] } {
  const events = new ServerEvents();
  const emitted: ServerEvent[] = [];
  events.on((e) => emitted.push(e));
  return {
    config: configSchema.parse({ apps }),
    apps: new StaticAppStore(apps),
    adapter: new MemoryAdapter(),
    events,
    logger: createLogger('silent'),
    emitted,
  };
}
