/**
 * @module
 * RFC 6455 framing of server → client text messages: one unmasked, final text frame. Done once per
 * {@link OutboundFrame}; the bytes are cached on the frame and written to every recipient.
 */
import type { OutboundFrame } from '../protocol/frame.js';

/** Opcode of a text frame with the FIN bit set. */
const FIN_TEXT = 0x81;

/** Encodes `payload` as a single unmasked WebSocket text frame (header and payload in one buffer). */
export function encodeTextFrame(payload: Buffer): Buffer {
  const length = payload.length;
  const headerLength = length < 126 ? 2 : length < 65536 ? 4 : 10;
  const out = Buffer.allocUnsafe(headerLength + length);
  out[0] = FIN_TEXT;
  if (length < 126) out[1] = length;
  else if (length < 65536) {
    out[1] = 126;
    out.writeUInt16BE(length, 2);
  } else {
    out[1] = 127;
    out.writeUInt32BE(Math.floor(length / 2 ** 32), 2);
    out.writeUInt32BE(length >>> 0, 6);
  }
  payload.copy(out, headerLength);
  return out;
}

/** The frame's wire bytes, computed at the first call and cached in `frame.prepared`. */
export function preparedBytes(frame: OutboundFrame): Buffer {
  const cached = frame.prepared;
  if (Buffer.isBuffer(cached)) return cached;
  const bytes = encodeTextFrame(Buffer.from(frame.text, 'utf8'));
  frame.prepared = bytes;
  return bytes;
}
