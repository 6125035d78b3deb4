/**
 * @module
 * Per-event-loop-turn write batching: the first write of a turn corks the socket, and one
 * `setImmediate` uncorks every socket written to in that turn, so N frames to one socket leave in one
 * `writev` and a fan-out to N sockets costs one syscall per socket, not one per frame.
 */

/** A writable that can be corked (a net.Socket). */
export interface Corkable {
  cork(): void;
  uncork(): void;
}

/** A socket taking part in batching. */
export interface BatchMember {
  /** The raw stream to cork. */
  readonly stream: Corkable;
  /** Set while the stream is corked by this batch. */
  corked: boolean;
  /** Called after the uncork (e.g. to check the output buffer). */
  afterFlush(): void;
}

/** Collects corked sockets and flushes them once per turn. */
export class WriteBatch {
  #members: BatchMember[] = [];
  #scheduled = false;
  readonly #flush = (): void => this.flush();

  /** Corks `member` for the rest of this turn (no-op if already corked). */
  enlist(member: BatchMember): void {
    if (member.corked) return;
    member.corked = true;
    member.stream.cork();
    this.#members.push(member);
    if (!this.#scheduled) {
      this.#scheduled = true;
      setImmediate(this.#flush);
    }
  }

  /** Uncorks every socket corked in this turn. */
  flush(): void {
    this.#scheduled = false;
    const members = this.#members;
    if (members.length === 0) return;
    this.#members = [];
    for (const member of members) {
      member.corked = false;
      member.stream.uncork();
    }
    for (const member of members) member.afterFlush();
  }
}
