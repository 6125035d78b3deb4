/**
 * @module
 * The app store backed by the configuration (file, environment, flags).
 */
import type { App, AppStore } from './app-store.js';

/** Serves a fixed list of apps from memory; lookups are O(1). */
export class StaticAppStore implements AppStore {
  readonly #byKey = new Map<string, App>();
  readonly #byId = new Map<string, App>();

  /** @param apps - The validated apps; keys and ids must be unique (the config loader checks it). */
  constructor(apps: readonly App[]) {
    for (const app of apps) {
      this.#byKey.set(app.key, app);
      this.#byId.set(app.id, app);
    }
  }

  findByKey(key: string): Promise<App | undefined> {
    return Promise.resolve(this.#byKey.get(key));
  }

  findById(id: string): Promise<App | undefined> {
    return Promise.resolve(this.#byId.get(id));
  }

  list(): Promise<readonly App[]> {
    return Promise.resolve([...this.#byId.values()]);
  }

  close(): Promise<void> {
    return Promise.resolve();
  }
}
