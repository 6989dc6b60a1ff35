import type { Ack } from '../protocol/envelope.ts';

/** Sends one message and resolves with its acknowledgement, or rejects on timeout. */
export type Sender<T> = (message: T) => Promise<Ack<unknown>>;

/**
 * An ordered queue of reports that survives disconnects: each message stays queued until the
 * server acknowledges it, and the whole queue is resent after a reconnect. The server stores
 * reports idempotently, so a message that arrives twice is harmless.
 */
export class Outbox<T> {
  private readonly queue: T[] = [];
  private flushing = false;
  private online = false;

  constructor(
    private readonly send: Sender<T>,
    private readonly onRejected: (message: T, error: string) => void,
  ) {}

  push(message: T): void {
    this.queue.push(message);
    void this.flush();
  }

  setOnline(online: boolean): void {
    this.online = online;
    if (online) {
      void this.flush();
    }
  }

  get size(): number {
    return this.queue.length;
  }

  private async flush(): Promise<void> {
    if (this.flushing) {
      return;
    }
    this.flushing = true;
    try {
      while (this.online && this.queue.length > 0) {
        const message = this.queue[0] as T;
        let ack: Ack<unknown>;
        try {
          ack = await this.send(message);
        } catch {
          // Timed out or disconnected: keep the message and wait for the next reconnect.
          break;
        }
        this.queue.shift();
        if (!ack.ok) {
          // The server rejected it for good (e.g. an unknown run); resending would not help.
          this.onRejected(message, `${ack.error.code}: ${ack.error.message}`);
        }
      }
    } finally {
      this.flushing = false;
    }
  }
}
