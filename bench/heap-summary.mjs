// What a server's heap holds, by constructor: for finding the per-connection cost of idle sockets.
// Usage: node bench/heap-summary.mjs bench/out/Heap.….heapsnapshot [top]   (or via run.mjs --heap-snapshot)
import { readdirSync, readFileSync, statSync } from "node:fs";
import { setTimeout as sleep } from "node:timers/promises";
import { OUT } from "./procs.mjs";

/** Signals the server (started with --heapsnapshot-signal) and waits for its snapshot file. */
export async function takeHeapSnapshot(server) {
  const before = new Set(readdirSync(OUT));
  process.kill(server.child.pid, "SIGUSR2");
  for (let waited = 0; waited < 120_000; waited += 500) {
    await sleep(500);
    const file = readdirSync(OUT).find((f) => f.endsWith(".heapsnapshot") && !before.has(f));
    if (file) {
      // Written in chunks with pauses: done once it ends the JSON document and stops growing.
      const path = `${OUT}/${file}`;
      let size = -1;
      while (size !== statSync(path).size || !readFileSync(path).subarray(-8).toString().trimEnd().endsWith("}")) {
        size = statSync(path).size;
        await sleep(2000);
      }
      return path;
    }
  }
  throw new Error("no heap snapshot appeared");
}

export function summariseHeap(path, top = 25) {
  const snapshot = JSON.parse(readFileSync(path, "utf8"));
  const { node_fields: fields, node_types: [types] } = snapshot.snapshot.meta;
  const width = fields.length;
  const [typeAt, nameAt, sizeAt] = ["type", "name", "self_size"].map((f) => fields.indexOf(f));
  const groups = new Map();
  let total = 0;
  for (let i = 0; i < snapshot.nodes.length; i += width) {
    const type = types[snapshot.nodes[i + typeAt]];
    const name = type === "object" || type === "closure" ? snapshot.strings[snapshot.nodes[i + nameAt]] : `(${type})`;
    const size = snapshot.nodes[i + sizeAt];
    total += size;
    const g = groups.get(name) ?? { count: 0, size: 0 };
    g.count++;
    g.size += size;
    groups.set(name, g);
  }
  console.log(`heap snapshot ${path}: ${(total / 2 ** 20).toFixed(1)} MB live`);
  for (const [name, g] of [...groups].sort((a, b) => b[1].size - a[1].size).slice(0, top)) {
    console.log(`${(g.size / 2 ** 20).toFixed(2).padStart(8)} MB ${String(g.count).padStart(8)}  ${name.slice(0, 80)}`);
  }
}

if (import.meta.url === `file://${process.argv[1]}`) summariseHeap(process.argv[2], Number(process.argv[3] ?? 25));
