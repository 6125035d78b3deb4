/**
 * @module
 * The seam between {@link ClusterAdapter} (requests, heartbeats, fan-out, outage handling) and a
 * concrete backend (Redis; an in-memory hub in tests). A backend owns the shared cluster state and
 * changes it only with atomic operations that return the transition (no check-then-act), plus a
 * pub/sub transport with one channel every node hears and one reply channel per node.
 */
import type {
  CachedEvent,
  CachedEventWithTtl,
  ChannelStats,
  ClusterTransition,
  PresenceMember,
} from '../adapter.js';

export type { ClusterTransition } from '../adapter.js';

/** Outcome of an atomic join. */
export type JoinOutcome =
  | {
      readonly ok: true;
      readonly occupied: boolean;
      readonly memberAdded: boolean;
      readonly subscriptionCount: number;
    }
  | { readonly ok: false };

/** Outcome of an atomic leave. */
export interface LeaveOutcome {
  readonly wasSubscribed: boolean;
  readonly vacated: boolean;
  readonly userId: string | undefined;
  readonly memberRemoved: boolean;
  readonly subscriptionCount: number;
}

/** One subscription as the shared state keeps it. */
export interface SubscriptionEntry {
  readonly appId: string;
  readonly channel: string;
  readonly socketId: string;
  readonly member?: PresenceMember;
}

/** One sign-in as the shared state keeps it. */
export interface SignInEntry {
  readonly appId: string;
  readonly userId: string;
  readonly socketId: string;
}

/** What a backend tells the adapter. */
export interface BackendHandlers {
  /** A message published by any node (including this one) on the all-nodes channel. */
  onMessage(message: string): void;
  /** A message published to this node's reply channel. */
  onDirect(message: string): void;
  /** The backend's connection went up (`true`) or down (`false`). */
  onReadyChange(ready: boolean): void;
}

/** Shared state and transport of one node. Every promise may hang while the backend is away. */
export interface ClusterBackend {
  /** Connects as `nodeId`; resolves once the subscriptions (all-nodes and reply) are live. */
  connect(nodeId: string, handlers: BackendHandlers): Promise<void>;
  /** Disconnects; idempotent. */
  close(): Promise<void>;

  /** Publishes `message` to every node. */
  publish(message: string): Promise<void>;
  /** Publishes `message` on the reply channel of `nodeId`. */
  publishTo(nodeId: string, message: string): Promise<void>;

  /** Atomically subscribes; refuses when `maxMembers` distinct users are already there. */
  join(nodeId: string, entry: SubscriptionEntry, maxMembers?: number): Promise<JoinOutcome>;
  /** Atomically unsubscribes. */
  leave(nodeId: string, appId: string, channel: string, socketId: string): Promise<LeaveOutcome>;
  /** Atomically records a sign-in; true when the user's first socket anywhere. */
  signIn(nodeId: string, entry: SignInEntry): Promise<boolean>;
  /** Atomically forgets a sign-in; true when it was the user's last socket anywhere. */
  signOut(nodeId: string, entry: SignInEntry): Promise<boolean>;

  channels(appId: string, prefix?: string): Promise<Map<string, ChannelStats>>;
  channel(appId: string, channel: string): Promise<ChannelStats>;
  members(appId: string, channel: string): Promise<Map<string, unknown>>;
  onlineUsers(appId: string, userIds: readonly string[]): Promise<string[]>;
  cacheSet(appId: string, channel: string, event: CachedEvent, ttlSeconds: number): Promise<void>;
  cacheGet(appId: string, channel: string): Promise<CachedEventWithTtl | undefined>;

  /** Records that `nodeId` is alive; `rejoined` when its entry had been reaped meanwhile. */
  heartbeat(nodeId: string): Promise<{ readonly rejoined: boolean }>;
  /** Nodes with a heartbeat younger than `timeoutMs`. */
  liveNodes(timeoutMs: number): Promise<string[]>;
  /** Nodes whose last heartbeat is older than `timeoutMs`. */
  deadNodes(timeoutMs: number): Promise<string[]>;
  /**
   * Removes up to a batch of entries of `nodeId`, and its heartbeat once none is left; returns the
   * transitions that caused and whether the node is gone. Atomic per batch and idempotent, so
   * concurrent reapers report each transition exactly once. With `timeoutMs`, does nothing if the
   * node sent a heartbeat within that time (it came back).
   */
  reapNode(
    nodeId: string,
    timeoutMs?: number,
  ): Promise<{ readonly transitions: ClusterTransition[]; readonly done: boolean }>;
  /** The entries the shared state holds for `nodeId` (for resync). */
  nodeEntries(
    nodeId: string,
  ): Promise<{ readonly subscriptions: SubscriptionEntry[]; readonly signIns: SignInEntry[] }>;
}
