import { type AddressInfo, createConnection, createServer, type Server, type Socket } from "node:net";

interface Link {
  client: Socket;
  upstream: Socket;
  dead: boolean;
}

/**
 * A TCP proxy in front of a server, for a fault no real server produces on demand:
 * blackHole() makes every existing connection silently stop delivering, in both directions,
 * while its sockets stay open (no FIN, no RST), as a dead network path looks to both ends.
 * Connections opened afterwards are forwarded normally.
 */
export class TcpProxy {
  private readonly links = new Set<Link>();
  private readonly server: Server;
  /** While set, new connections are closed at once: the path is down, not just silent. */
  refusing = false;

  private constructor(targetPort: number, targetHost: string) {
    this.server = createServer((client) => {
      if (this.refusing) client.destroy();
      else this.accept(client, createConnection({ port: targetPort, host: targetHost }));
    });
  }

  static async start(targetPort: number, targetHost = "127.0.0.1"): Promise<TcpProxy> {
    const proxy = new TcpProxy(targetPort, targetHost);
    await new Promise<void>((resolve) => proxy.server.listen(0, "127.0.0.1", resolve));
    return proxy;
  }

  get port(): number {
    return (this.server.address() as AddressInfo).port;
  }

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  /** Every connection open now stops delivering, silently and for good; returns how many. */
  blackHole(): number {
    let count = 0;
    for (const link of this.links) {
      if (!link.dead) count++;
      link.dead = true;
    }
    return count;
  }

  async close(): Promise<void> {
    for (const link of this.links) {
      link.client.destroy();
      link.upstream.destroy();
    }
    this.links.clear();
    await new Promise((resolve) => this.server.close(resolve));
  }

  private accept(client: Socket, upstream: Socket): void {
    const link: Link = { client, upstream, dead: false };
    this.links.add(link);
    const forward = (from: Socket, to: Socket) => {
      // A dead link still reads everything (the sender's writes keep succeeding) and delivers
      // nothing, not even a close.
      from.on("data", (chunk) => {
        if (!link.dead) to.write(chunk);
      });
      from.on("end", () => {
        if (!link.dead) to.end();
      });
      from.on("error", () => undefined);
      from.on("close", () => {
        if (link.dead) return;
        to.destroy();
        this.links.delete(link);
      });
    };
    forward(client, upstream);
    forward(upstream, client);
  }
}
