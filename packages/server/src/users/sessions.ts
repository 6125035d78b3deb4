/**
 * @module
 * Signed-in users on this node: `pusher:signin` handling, the require-sign-in deadline and watchlist
 * online/offline notifications. The connection core calls {@link UserSessions} when a connection
 * opens ({@link UserSessions.opened}), on a `pusher:signin` frame ({@link UserSessions.signIn}) and
 * when it closes ({@link UserSessions.closed}, after its channels were left). Server-to-user
 * delivery and terminate are `adapter.sendToUser` / `adapter.terminateUser` (HTTP API).
 *
 * Online/offline transitions are decided cluster-wide by `adapter.signIn/signOut` (exactly one node
 * learns each); that node sends one frame through `adapter.sendToWatchers`, which reaches the
 * watchers on every node. Watchlists are indexed in the adapter's local registry (`local.watch`).
 * Transitions no write returned (a dead node reaped, a resync) are announced by adapters/announce.ts.
 */
import type { LocalConnection } from '../adapters/adapter.js';
import type { App } from '../apps/app-store.js';
import type { ServerContext } from '../context.js';
import { pusherError, signinSuccess } from '../protocol/messages.js';
import { CloseCodes, type CloseCode } from '../protocol/close-codes.js';
import { verifySignIn } from './signin.js';
import { initialWatchlistFrame, watchlistEventsFrame } from './watchlist.js';

/** Message sent with 4009 when a connection did not sign in in time. */
export const SIGNIN_TIMEOUT_MESSAGE = 'Connection not signed in within timeout';

/**
 * Sends `pusher:error` with `message`, then closes with the same code and the table's short message
 * (a WebSocket close reason may not exceed 123 bytes). pusher-js reads both; the close decides.
 */
export function closeWith(connection: LocalConnection, entry: CloseCode, message?: string): void {
  connection.send(pusherError(entry, message ?? entry.message));
  connection.close(entry.code, entry.message);
}

interface Session {
  readonly appId: string;
  readonly connection: LocalConnection;
  /** The signed-in user, once `adapter.signIn` resolved. */
  userId: string | undefined;
  /** A sign-in is being processed (a second one waits for nothing and is refused). */
  pending: boolean;
  /** The connection closed; late async steps must not resurrect it. */
  closed: boolean;
  deadline: NodeJS.Timeout | undefined;
}

/** The outcome of {@link UserSessions.signIn}, for the router's logs and tests. */
export type SignInOutcome =
  | {
      readonly ok: true;
      readonly userId: string;
      /** The exact user_data string that was signed. */
      readonly userData: string;
      readonly userInfo?: unknown;
    }
  | { readonly ok: false; readonly message: string };

/** Signed-in users of this node. */
export class UserSessions {
  readonly #context: ServerContext;
  readonly #sessions = new Map<string, Session>();

  constructor(context: ServerContext) {
    this.#context = context;
  }

  #key(appId: string, socketId: string): string {
    return `${appId}\n${socketId}`;
  }

  /**
   * Call once the connection is established. Starts the sign-in deadline when the app requires
   * sign-in: an unsigned connection is closed with 4009 after `app.signInTimeoutMs`.
   */
  opened(app: App, connection: LocalConnection): void {
    const session: Session = {
      appId: app.id,
      connection,
      userId: undefined,
      pending: false,
      closed: false,
      deadline: undefined,
    };
    this.#sessions.set(this.#key(app.id, connection.socketId), session);
    if (app.requireSignIn) {
      session.deadline = setTimeout(() => {
        session.deadline = undefined;
        if (session.userId === undefined && !session.closed) {
          closeWith(connection, CloseCodes.UNAUTHORIZED, SIGNIN_TIMEOUT_MESSAGE);
        }
      }, app.signInTimeoutMs);
      session.deadline.unref();
    }
  }

  /** The user `socketId` is signed in as, if any. */
  userOf(appId: string, socketId: string): string | undefined {
    return this.#sessions.get(this.#key(appId, socketId))?.userId;
  }

  /**
   * Handles a `pusher:signin` frame's `data`: on success replies `pusher:signin_success`, sends the
   * watchlist status, and tells watchers the user came online; on failure sends `pusher:error` 4009
   * and closes with 4009 (protocol.md §4: a failed sign-in keeps failing, so pusher-js should not
   * reconnect).
   */
  async signIn(app: App, connection: LocalConnection, data: unknown): Promise<SignInOutcome> {
    const key = this.#key(app.id, connection.socketId);
    let session = this.#sessions.get(key);
    if (!session) {
      this.opened({ ...app, requireSignIn: false }, connection);
      session = this.#sessions.get(key)!;
    }
    const refuse = (message: string): SignInOutcome => {
      closeWith(connection, CloseCodes.UNAUTHORIZED, message);
      return { ok: false, message };
    };
    if (session.pending) return refuse('A sign-in is already in progress on this connection');
    const result = verifySignIn(app, connection.socketId, data);
    if (!result.ok) return refuse(result.message);
    if (session.userId !== undefined && session.userId !== result.userId) {
      return refuse(`Already signed in as a different user (${session.userId})`);
    }

    const signedInBefore = session.userId !== undefined;
    session.pending = true;
    try {
      const online = signedInBefore
        ? false
        : (await this.#context.adapter.signIn(app.id, result.userId, connection.socketId)).online;
      if (session.closed) {
        // Closed while the adapter answered: announce the transition the write returned (another
        // connection of the user may sign in meanwhile and get online=false), then undo it, so the
        // user does not stay online forever.
        if (online) this.#notifyWatchers(app.id, result.userId, 'online');
        if (!signedInBefore) await this.#signOut(app.id, result.userId, connection.socketId);
        return { ok: false, message: 'Connection closed during sign-in' };
      }
      session.userId = result.userId;
      clearTimeout(session.deadline);
      session.deadline = undefined;
      connection.send(signinSuccess(result.userData));
      if (result.watchlistTruncated) {
        connection.send(
          pusherError(
            CloseCodes.WATCHLIST_LIMIT,
            `${CloseCodes.WATCHLIST_LIMIT.message}: only the first ${result.watchlist.length} user ids are watched`,
          ),
        );
      }
      this.#context.adapter.local.watch(app.id, connection, result.watchlist);
      if (result.watchlist.length > 0) {
        const onlineIds = await this.#context.adapter.onlineUsers(app.id, result.watchlist);
        const frame = initialWatchlistFrame(result.watchlist, onlineIds);
        if (frame && !session.closed) connection.send(frame);
      }
      if (online) this.#notifyWatchers(app.id, result.userId, 'online');
      return result.userInfo === undefined
        ? { ok: true, userId: result.userId, userData: result.userData }
        : { ok: true, userId: result.userId, userData: result.userData, userInfo: result.userInfo };
    } finally {
      session.pending = false;
    }
  }

  /**
   * Call when a connection closed, before `adapter.removeConnection`: stops its deadline, forgets its
   * watchlist, signs it out and tells watchers when that was the user's last connection.
   */
  async closed(appId: string, socketId: string): Promise<void> {
    const key = this.#key(appId, socketId);
    const session = this.#sessions.get(key);
    if (!session) return;
    session.closed = true;
    this.#sessions.delete(key);
    clearTimeout(session.deadline);
    this.#context.adapter.local.unwatch(appId, socketId);
    if (session.userId !== undefined) await this.#signOut(appId, session.userId, socketId);
  }

  /** Stops every deadline timer (server shutdown). */
  close(): void {
    for (const session of this.#sessions.values()) clearTimeout(session.deadline);
  }

  async #signOut(appId: string, userId: string, socketId: string): Promise<void> {
    const { offline } = await this.#context.adapter.signOut(appId, userId, socketId);
    if (offline) this.#notifyWatchers(appId, userId, 'offline');
  }

  /** One frame, serialized once, to the user's watchers on every node. */
  #notifyWatchers(appId: string, userId: string, name: 'online' | 'offline'): void {
    const frame = watchlistEventsFrame([{ name, user_ids: [userId] }]);
    void this.#context.adapter.sendToWatchers(appId, userId, frame);
  }
}
