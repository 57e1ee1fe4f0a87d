import { createServer, Server, Socket, connect } from 'node:net';
import { freePort } from './app-process';

/** One client connection and, while forwarding, its connection to the target. */
interface Link {
  client: Socket;
  upstream?: Socket;
  /** Bytes were swallowed (or the connection was accepted while blackholed): the stream has a hole. */
  broken: boolean;
  /** The end of what the client sent last, so that a trigger's text split over two chunks is seen. */
  tail: Buffer;
}

interface Trigger {
  text: Buffer;
  action: () => void;
}

interface Counter {
  text: Buffer;
  count: number;
}

/**
 * A loopback TCP proxy the test controls, to make a shared service (Postgres, Redis) unreachable or
 * slow for one app without touching the service:
 * - `cut()` drops every connection and refuses new ones (a service that is down: clients fail fast);
 * - `blackhole()` keeps existing connections open and accepts new ones but forwards nothing in either
 *   direction, the bytes are swallowed (a service that hangs, or a network that drops packets: clients
 *   learn nothing until their own timeouts fire);
 * - `restore()` forwards again. A connection that lost bytes in the blackhole cannot carry on (a reply
 *   would answer the wrong request), so it is reset, as TCP would reset a connection whose packets
 *   were lost; connections that lost nothing carry on.
 */
export class TcpProxy {
  private server?: Server;
  private mode: 'forward' | 'blackhole' = 'forward';
  private readonly links = new Set<Link>();
  private swallowedBytes = 0;
  private readonly triggers: Trigger[] = [];
  private readonly counters: Counter[] = [];

  private constructor(
    readonly port: number,
    private readonly targetHost: string,
    private readonly targetPort: number,
  ) {}

  static async start(targetHost: string, targetPort: number): Promise<TcpProxy> {
    const proxy = new TcpProxy(await freePort(), targetHost, targetPort);
    await proxy.restore();
    return proxy;
  }

  /** Bytes the clients sent into the blackhole so far: proof that they tried to talk. */
  get swallowed(): number {
    return this.swallowedBytes;
  }

  /**
   * Runs `action` once, the first time a client sends `text`, synchronously and before that chunk goes
   * on: the test can make the service hang exactly when a given statement is on its way (what
   * `action` changes — blackhole(), a paused server — applies to that very chunk).
   */
  whenClientSends(text: string, action: () => void): void {
    this.triggers.push({ text: Buffer.from(text), action });
  }

  /**
   * Counts how often clients send `text` from now on (each occurrence, also when split over two
   * chunks): e.g. the statements of one query that reached the service, since node-postgres sends a
   * statement's text with each execution.
   */
  countClientSends(text: string): () => number {
    const counter: Counter = { text: Buffer.from(text), count: 0 };
    this.counters.push(counter);
    return () => counter.count;
  }

  /** Forwards again (after `cut()` or `blackhole()`), resetting the connections that lost bytes. */
  async restore(): Promise<void> {
    this.mode = 'forward';
    for (const link of this.links) if (link.broken) this.drop(link);
    await this.listen();
  }

  /** Accepts connections and keeps them open, but forwards nothing and answers nothing. */
  async blackhole(): Promise<void> {
    this.mode = 'blackhole';
    await this.listen();
  }

  /** Drops every connection and refuses new ones. */
  async cut(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    for (const link of this.links) this.drop(link);
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  private async listen(): Promise<void> {
    if (this.server) return;
    const server = createServer((client) => this.accept(client));
    await new Promise<void>((resolve) => server.listen(this.port, '127.0.0.1', resolve));
    this.server = server;
  }

  private accept(client: Socket): void {
    const link: Link = { client, broken: this.mode === 'blackhole', tail: Buffer.alloc(0) };
    this.links.add(link);
    client.on('error', () => this.drop(link));
    client.on('close', () => this.drop(link));
    if (this.mode === 'forward') {
      const upstream = connect(this.targetPort, this.targetHost);
      link.upstream = upstream;
      upstream.on('error', () => this.drop(link));
      upstream.on('close', () => this.drop(link));
      this.relay(link, upstream, client, false);
    }
    this.relay(link, client, link.upstream, true);
  }

  /** Copies `from` to `to` while forwarding (with back-pressure); swallows what arrives while blackholed. */
  private relay(link: Link, from: Socket, to: Socket | undefined, fromClient: boolean): void {
    from.on('data', (chunk: Buffer) => {
      if (fromClient && (this.triggers.length > 0 || this.counters.length > 0)) this.fire(link, chunk);
      if (this.mode === 'blackhole' || !to || link.broken) {
        link.broken = true;
        if (fromClient) this.swallowedBytes += chunk.length;
        return;
      }
      if (!to.write(chunk)) {
        from.pause();
        to.once('drain', () => from.resume());
      }
    });
  }

  private fire(link: Link, chunk: Buffer): void {
    const seen = Buffer.concat([link.tail, chunk]);
    for (const trigger of [...this.triggers]) {
      if (!seen.includes(trigger.text)) continue;
      this.triggers.splice(this.triggers.indexOf(trigger), 1);
      trigger.action();
    }
    for (const counter of this.counters) {
      // Only occurrences that end in this chunk: those wholly in the tail were counted with it.
      for (let at = seen.indexOf(counter.text); at >= 0; at = seen.indexOf(counter.text, at + 1))
        if (at + counter.text.length > link.tail.length) counter.count += 1;
    }
    const keep = Math.max(0, ...[...this.triggers, ...this.counters].map((t) => t.text.length - 1));
    link.tail = seen.subarray(seen.length - Math.min(keep, seen.length));
  }

  private drop(link: Link): void {
    if (!this.links.delete(link)) return;
    link.client.destroy();
    link.upstream?.destroy();
  }
}
