/**
 * A TCP proxy in front of a real Redis that can lose one answer: the next command matching a
 * pattern reaches Redis and runs, and the connection is cut instead of its reply being passed on.
 * ioredis then reconnects and sends the command again (autoResendUnfulfilledCommands), so Redis
 * runs it twice: what happens to a client when Redis restarts or the network drops at that moment.
 */
import net from 'node:net';

export class ReplyDroppingProxy {
  private readonly server: net.Server;
  private readonly sockets = new Set<net.Socket>();
  private armed: string | undefined;
  /** How many replies it dropped. */
  dropped = 0;

  private constructor(private readonly upstream: URL) {
    this.server = net.createServer((client) => this.pipe(client));
  }

  static async start(redisUrl: string): Promise<ReplyDroppingProxy> {
    const proxy = new ReplyDroppingProxy(new URL(redisUrl));
    await new Promise<void>((resolve) => proxy.server.listen(0, '127.0.0.1', resolve));
    return proxy;
  }

  get url(): string {
    return `redis://127.0.0.1:${(this.server.address() as net.AddressInfo).port}`;
  }

  /** The next command whose bytes contain `pattern` runs, and its reply is lost with the connection. */
  dropReplyTo(pattern: string): void {
    this.armed = pattern;
  }

  private pipe(client: net.Socket): void {
    const server = net.connect(Number(this.upstream.port), this.upstream.hostname);
    this.sockets.add(client).add(server);
    let dropNextReply = false;
    client.on('data', (chunk) => {
      if (this.armed !== undefined && chunk.includes(this.armed)) {
        this.armed = undefined;
        dropNextReply = true;
      }
      server.write(chunk);
    });
    server.on('data', (chunk) => {
      if (!dropNextReply) return void client.write(chunk);
      this.dropped += 1;
      client.destroy();
      server.destroy();
    });
    const close = () => {
      client.destroy();
      server.destroy();
      this.sockets.delete(client);
      this.sockets.delete(server);
    };
    client.on('close', close).on('error', close);
    server.on('close', close).on('error', close);
  }

  async close(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
