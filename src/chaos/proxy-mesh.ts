import { LinkProxy, LinkMode } from './link-proxy';

/**
 * One fault-injecting proxy per directed peer link (from -> to), so every network fault is a
 * choice of link modes: a symmetric partition cuts both directions between two groups, a
 * one-way partition cuts one, a bridge leaves one node connected to both sides.
 *
 * Built for every id the cluster may ever have. A node added later (node.sh add) reaches the
 * original nodes through its proxies, but its peers reach it at the address it was added with,
 * which is its own peer port: every node learns that one address from the log, so it cannot be
 * a per-link proxy. Links into an added node, and so between two added nodes, are not proxied,
 * and faults on them do nothing: such a node is cut off only in what it sends.
 */
export class ProxyMesh {
  private readonly links = new Map<string, LinkProxy>();

  constructor(
    private readonly ids: readonly number[],
    proxyPort: (from: number, to: number) => number,
    peerPort: (id: number) => number,
    rand: () => number,
  ) {
    for (const from of ids) {
      for (const to of ids) {
        if (from === to) continue;
        const proxy = new LinkProxy({ listenPort: proxyPort(from, to), targetPort: peerPort(to), rand, name: `${from}->${to}` });
        this.links.set(`${from}->${to}`, proxy);
      }
    }
  }

  async start(): Promise<void> {
    await Promise.all([...this.links.values()].map((l) => l.start()));
  }

  async close(): Promise<void> {
    await Promise.all([...this.links.values()].map((l) => l.close()));
  }

  set(from: number, to: number, mode: LinkMode): void {
    this.links.get(`${from}->${to}`)?.setMode(mode);
  }

  setAll(mode: LinkMode): void {
    for (const l of this.links.values()) l.setMode(mode);
  }

  heal(): void {
    this.setAll({ kind: 'up' });
  }

  /** Cuts every link between `side` and the rest, both ways. */
  split(side: readonly number[]): void {
    for (const a of side) {
      for (const b of this.ids) {
        if (side.includes(b)) continue;
        this.set(a, b, { kind: 'down' });
        this.set(b, a, { kind: 'down' });
      }
    }
  }

  /** `left` and `right` cannot talk; the bridge node talks to both. */
  bridge(left: readonly number[], right: readonly number[]): void {
    for (const a of left) {
      for (const b of right) {
        this.set(a, b, { kind: 'down' });
        this.set(b, a, { kind: 'down' });
      }
    }
  }
}
