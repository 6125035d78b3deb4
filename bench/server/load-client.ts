/**
 * A load process (forked by load-pool.ts): opens WebSocket connections to a Pusher-protocol server,
 * subscribes them (with real auth for private and presence channels) and records each delivery's
 * latency from the timestamp the publisher put in the event data. Commands arrive over IPC.
 */
import { createHmac } from 'node:crypto';
import WebSocket from 'ws';
import { channelAuthStringToSign, formatAuthToken } from '@herald/sdk/protocol';
import { Histogram, nowMs } from './latency.js';

/** Commands the coordinator sends. */
export type LoadCommand =
  | {
      readonly type: 'connect';
      readonly url: string;
      readonly count: number;
      readonly channel: string;
      readonly key: string;
      readonly secret: string;
      /** Connections opened at once (the rest wait for a free slot). */
      readonly concurrency: number;
    }
  | { readonly type: 'reset' }
  | { readonly type: 'stats' }
  | { readonly type: 'stall'; readonly count: number }
  | { readonly type: 'close' };

/** Replies to the coordinator. */
export type LoadReply =
  | { readonly type: 'connected'; readonly opened: number; readonly failed: number }
  | {
      readonly type: 'stats';
      readonly received: number;
      readonly counts: number[];
      readonly closeCodes: Record<string, number>;
      readonly open: number;
    }
  | { readonly type: 'ack' };

const sockets: WebSocket[] = [];
let histogram = new Histogram();
let received = 0;
const closeCodes: Record<string, number> = {};
const MARK = 't\\":';

function send(reply: LoadReply): void {
  process.send?.(reply);
}

function onMessage(raw: WebSocket.RawData): void {
  const text = (raw as Buffer).toString();
  const at = text.indexOf(MARK);
  if (at < 0) return;
  received++;
  histogram.record(nowMs() - Number.parseFloat(text.slice(at + MARK.length)));
}

function sign(secret: string, text: string): string {
  return createHmac('sha256', secret).update(text).digest('hex');
}

function openOne(
  command: Extract<LoadCommand, { type: 'connect' }>,
  index: number,
): Promise<boolean> {
  return new Promise((resolve) => {
    const ws = new WebSocket(command.url, { perMessageDeflate: false });
    const timer = setTimeout(() => {
      ws.terminate();
      resolve(false);
    }, 30_000);
    ws.on('error', () => {
      clearTimeout(timer);
      resolve(false);
    });
    ws.on('close', (code) => {
      closeCodes[code] = (closeCodes[code] ?? 0) + 1;
    });
    ws.on('message', function handshake(raw) {
      const frame = JSON.parse((raw as Buffer).toString()) as { event: string; data?: string };
      if (frame.event === 'pusher:connection_established') {
        const { socket_id: socketId } = JSON.parse(frame.data ?? '{}') as { socket_id: string };
        const data: Record<string, string> = { channel: command.channel };
        if (command.channel.startsWith('presence-')) {
          const channelData = JSON.stringify({
            user_id: `u${process.pid}-${index}`,
            user_info: { n: index },
          });
          const toSign = channelAuthStringToSign(socketId, command.channel, channelData);
          data['auth'] = formatAuthToken(command.key, sign(command.secret, toSign));
          data['channel_data'] = channelData;
        } else if (command.channel.startsWith('private-')) {
          const toSign = channelAuthStringToSign(socketId, command.channel);
          data['auth'] = formatAuthToken(command.key, sign(command.secret, toSign));
        }
        ws.send(JSON.stringify({ event: 'pusher:subscribe', data }));
      } else if (frame.event === 'pusher_internal:subscription_succeeded') {
        clearTimeout(timer);
        ws.off('message', handshake);
        ws.on('message', onMessage);
        sockets.push(ws);
        resolve(true);
      } else if (frame.event === 'pusher:error' || frame.event === 'pusher:subscription_error') {
        clearTimeout(timer);
        ws.terminate();
        resolve(false);
      }
    });
  });
}

async function connect(command: Extract<LoadCommand, { type: 'connect' }>): Promise<void> {
  let next = 0;
  let opened = 0;
  let failed = 0;
  const worker = async (): Promise<void> => {
    while (next < command.count) {
      const index = next++;
      if (await openOne(command, index)) opened++;
      else failed++;
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, command.concurrency) }, worker));
  send({ type: 'connected', opened, failed });
}

process.on('message', (command: LoadCommand) => {
  switch (command.type) {
    case 'connect':
      void connect(command);
      break;
    case 'reset':
      histogram = new Histogram();
      received = 0;
      send({ type: 'ack' });
      break;
    case 'stats':
      send({
        type: 'stats',
        received,
        counts: histogram.counts,
        closeCodes,
        open: sockets.filter((s) => s.readyState === WebSocket.OPEN).length,
      });
      break;
    case 'stall':
      // A slow consumer: stop reading from the kernel socket so the server's buffer grows.
      for (const ws of sockets.slice(0, command.count)) {
        (ws as unknown as { _socket: { pause(): void } })._socket.pause();
      }
      send({ type: 'ack' });
      break;
    case 'close':
      for (const ws of sockets) ws.terminate();
      process.exit(0);
  }
});
