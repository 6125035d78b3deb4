/**
 * @module
 * Makes the shared state hold exactly one node's local state again (after an outage, a failed
 * write, or after the node was declared dead while it was only paused), and returns the cluster
 * transitions that caused, to be announced once. Joins come before leaves, so a channel still
 * occupied on this node is not reported vacated then occupied.
 */
import type { LocalRegistry } from '../local-registry.js';
import type { ClusterBackend, ClusterTransition } from './backend.js';
import { withTimeout } from './with-timeout.js';

const SEP = '\u001f';

/** Resynchronizes `nodeId`'s entries in `backend` with `local`; returns the transitions. */
export async function resync(
  backend: ClusterBackend,
  local: LocalRegistry,
  nodeId: string,
  timeoutMs: number,
): Promise<ClusterTransition[]> {
  const t = timeoutMs;
  const remote = await withTimeout(backend.nodeEntries(nodeId), t, 'resync');
  const transitions: ClusterTransition[] = [];
  // Joins first, so a channel still occupied here is not reported vacated then occupied.
  const remoteSubs = new Set(
    remote.subscriptions.map((sub) => `${sub.appId}${SEP}${sub.channel}${SEP}${sub.socketId}`),
  );
  for (const appId of [...local.appIds()]) {
    for (const [channel] of [...local.channels(appId)]) {
      for (const [socketId, member] of local.subscriptions(appId, channel)) {
        if (remoteSubs.has(`${appId}${SEP}${channel}${SEP}${socketId}`)) continue;
        if (!local.isSubscribed(appId, channel, socketId)) continue;
        const out = await withTimeout(
          backend.join(
            nodeId,
            member ? { appId, channel, socketId, member } : { appId, channel, socketId },
          ),
          t,
          'resync',
        );
        if (!out.ok) continue;
        if (out.occupied) transitions.push({ type: 'channel_occupied', appId, channel });
        if (out.memberAdded && member) {
          transitions.push({
            type: 'member_added',
            appId,
            channel,
            userId: member.userId,
            userInfo: member.userInfo,
          });
        }
      }
    }
  }
  for (const sub of remote.subscriptions) {
    // Checked right before the write, so a concurrent local change is ordered after it.
    if (local.isSubscribed(sub.appId, sub.channel, sub.socketId)) continue;
    const out = await withTimeout(
      backend.leave(nodeId, sub.appId, sub.channel, sub.socketId),
      t,
      'resync',
    );
    const { appId, channel } = sub;
    if (out.vacated) transitions.push({ type: 'channel_vacated', appId, channel });
    if (out.memberRemoved && out.userId !== undefined) {
      transitions.push({ type: 'member_removed', appId, channel, userId: out.userId });
    }
  }
  const remoteSignIns = new Set(
    remote.signIns.map((s) => `${s.appId}${SEP}${s.userId}${SEP}${s.socketId}`),
  );
  for (const appId of [...local.appIds()]) {
    for (const [userId, sockets] of [...local.signedInUsers(appId)]) {
      for (const socketId of [...sockets]) {
        if (remoteSignIns.has(`${appId}${SEP}${userId}${SEP}${socketId}`)) continue;
        if (!local.userSockets(appId, userId).has(socketId)) continue;
        if (await withTimeout(backend.signIn(nodeId, { appId, userId, socketId }), t, 'resync')) {
          transitions.push({ type: 'user_online', appId, userId });
        }
      }
    }
  }
  for (const s of remote.signIns) {
    if (local.userSockets(s.appId, s.userId).has(s.socketId)) continue;
    if (await withTimeout(backend.signOut(nodeId, s), t, 'resync')) {
      transitions.push({ type: 'user_offline', appId: s.appId, userId: s.userId });
    }
  }
  return transitions;
}
