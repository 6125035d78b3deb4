/**
 * @module
 * A server → client frame, serialized once. The same object goes to every recipient; the transport
 * caches its engine-specific prepared bytes on it at the first send, so a broadcast to N sockets does
 * one JSON serialization and one WebSocket framing, not N.
 */

/** A serialized Pusher event ready to be written to any number of sockets. */
export class OutboundFrame {
  /** Engine-specific prepared bytes (set by the transport on first send; opaque elsewhere). */
  prepared: unknown = undefined;

  /** @param text - The complete JSON text of the frame. */
  constructor(readonly text: string) {}

  /** Builds `{"event","channel"?,"data"?,"user_id"?}` with `data` passed through exactly as given. */
  static event(
    event: string,
    channel: string | undefined,
    data: unknown,
    userId?: string,
  ): OutboundFrame {
    let text = `{"event":${JSON.stringify(event)}`;
    if (channel !== undefined) text += `,"channel":${JSON.stringify(channel)}`;
    if (data !== undefined) text += `,"data":${JSON.stringify(data)}`;
    if (userId !== undefined) text += `,"user_id":${JSON.stringify(userId)}`;
    return new OutboundFrame(text + '}');
  }
}
