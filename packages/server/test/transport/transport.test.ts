/**
 * The transport seam: framing matches `ws`'s own, frames are prepared once, writes of one event-loop
 * turn leave in one write per socket, and slow consumers are closed with 4200.
 */
import assert from 'node:assert/strict';
import { Socket } from 'node:net';
import { describe, it } from 'node:test';
import * as wsModule from 'ws';
import { CloseCodes } from '../../src/protocol/close-codes.js';
import { OutboundFrame } from '../../src/protocol/frame.js';
import { encodeTextFrame, preparedBytes } from '../../src/transport/framing.js';
import { WriteBatch, type BatchMember } from '../../src/transport/write-batch.js';
import { startServer } from '../helpers/server.js';
import { RawClient } from '../ws/helpers.js';

describe('framing', () => {
  it('encodes text frames exactly as ws does, for every length class', () => {
    for (const length of [0, 1, 125, 126, 127, 65535, 65536, 70000]) {
      const payload = Buffer.alloc(length, 'a');
      const expected = Buffer.concat(
        (
          wsModule as unknown as { Sender: { frame(data: Buffer, options: object): Buffer[] } }
        ).Sender.frame(payload, {
          fin: true,
          opcode: 1,
          mask: false,
          readOnly: false,
          rsv1: false,
        }),
      );
      assert.deepEqual(encodeTextFrame(payload), expected, `length ${length}`);
    }
  });

  it('prepares a frame once and caches the bytes on it', () => {
    const frame = OutboundFrame.event('e', 'c', 'é');
    const first = preparedBytes(frame);
    assert.equal(preparedBytes(frame), first);
    assert.equal(frame.prepared, first);
  });
});

describe('write batch', () => {
  it('corks a socket once per turn and uncorks everything in one setImmediate', async () => {
    const calls: string[] = [];
    const member = (name: string): BatchMember => ({
      stream: {
        cork: () => calls.push(`cork ${name}`),
        uncork: () => calls.push(`uncork ${name}`),
      },
      corked: false,
      afterFlush: () => calls.push(`after ${name}`),
    });
    const batch = new WriteBatch();
    const a = member('a');
    const b = member('b');
    batch.enlist(a);
    batch.enlist(a);
    batch.enlist(b);
    assert.deepEqual(calls, ['cork a', 'cork b']);
    await new Promise((resolve) => setImmediate(resolve));
    assert.deepEqual(calls, ['cork a', 'cork b', 'uncork a', 'uncork b', 'after a', 'after b']);
    batch.enlist(a);
    assert.equal(calls.at(-1), 'cork a');
  });

  it('sends a fan-out of 10 frames to 50 sockets with one write per socket', async (t) => {
    const server = await startServer(t);
    const clients = await Promise.all(
      Array.from({ length: 50 }, () => RawClient.established(server, t)),
    );
    for (const client of clients) client.send('pusher:subscribe', { channel: 'fan', auth: '' });
    await Promise.all(clients.map((c) => c.next('pusher_internal:subscription_succeeded')));

    const proto = Socket.prototype as unknown as Record<string, (...args: unknown[]) => unknown>;
    const original = proto['_writeGeneric']!;
    let writes = 0;
    proto['_writeGeneric'] = function (this: Socket, ...args: unknown[]) {
      if (this.localPort === server.port) writes++;
      return original.apply(this, args);
    };
    t.after(() => (proto['_writeGeneric'] = original));
    const { adapter } = server.server.context;
    for (let i = 0; i < 10; i++) {
      void adapter.broadcast(server.app.id, 'fan', OutboundFrame.event('tick', 'fan', String(i)));
    }
    await Promise.all(clients.map((c) => c.next('tick', (f) => f.data === '9')));
    proto['_writeGeneric'] = original;
    assert.equal(writes, 50, 'one write per socket for ten frames');
    for (const client of clients) {
      assert.deepEqual(
        client.frames.filter((f) => f.event === 'tick').map((f) => f.data),
        ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'],
      );
    }
  });

  it('closes a consumer that stops reading with 4200 once its output passes maxBufferedBytes', async (t) => {
    const server = await startServer(t, { maxBufferedBytes: 64 * 1024 });
    const slow = await RawClient.established(server, t);
    const fast = await RawClient.established(server, t);
    for (const c of [slow, fast]) c.send('pusher:subscribe', { channel: 'flood', auth: '' });
    await slow.next('pusher_internal:subscription_succeeded');
    await fast.next('pusher_internal:subscription_succeeded');
    // The slow client stops reading; the fast one keeps reading.
    slow.ws.pause();
    const big = 'x'.repeat(8 * 1024);
    const { adapter } = server.server.context;
    const closing = server.server.context.events;
    const closed = new Promise<number>((resolve) =>
      closing.on(
        (e) => e.type === 'connection_closed' && e.socketId === slow.socketId && resolve(e.code),
      ),
    );
    let sent = 0;
    while (
      server.server.context.adapter.local.connection(server.app.id, slow.socketId) &&
      sent < 5000
    ) {
      await adapter.broadcast(server.app.id, 'flood', OutboundFrame.event('chunk', 'flood', big));
      sent++;
      if (sent % 20 === 0) await new Promise((resolve) => setImmediate(resolve));
    }
    assert.ok(sent < 5000, 'closed before 40 MB were queued');
    assert.equal(await closed, CloseCodes.RECONNECT.code);
    await fast.roundTrip();
    assert.equal(fast.ws.readyState, fast.ws.OPEN);
  });
});
