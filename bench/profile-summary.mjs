// Top self-time functions of a V8 .cpuprofile (what `node --cpu-prof` writes).
// Usage: node bench/profile-summary.mjs bench/out/CPU.….cpuprofile [top]
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

export function summarise(path, top = 12) {
  const profile = JSON.parse(readFileSync(path, "utf8"));
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const selfUs = new Map();
  // samples[i] ran for timeDeltas[i+1] µs (the delta before the next sample).
  for (let i = 0; i < profile.samples.length; i++) {
    const dt = profile.timeDeltas[i + 1] ?? 0;
    selfUs.set(profile.samples[i], (selfUs.get(profile.samples[i]) ?? 0) + dt);
  }
  const byFunction = new Map();
  let total = 0;
  for (const [id, us] of selfUs) {
    const { functionName, url, lineNumber } = byId.get(id).callFrame;
    const where = url ? `${url.replace(/^.*node_modules\//, "~/").replace(/^file:\/\/.*\/server\/dist\//, "server/")}:${lineNumber + 1}` : "";
    const key = `${functionName || "(anonymous)"} ${where}`.trim();
    byFunction.set(key, (byFunction.get(key) ?? 0) + us);
    total += us;
  }
  const rows = [...byFunction].sort((a, b) => b[1] - a[1]).slice(0, top);
  // Inclusive time of the server's own functions (self time is spread thin over libraries):
  // a node's total is its self time plus its children's; recursion is counted once per frame.
  const inclusive = new Map();
  const visit = (node, onStack) => {
    let us = selfUs.get(node.id) ?? 0;
    for (const child of node.children ?? []) us += visit(byId.get(child), onStack);
    const { functionName, url, lineNumber } = node.callFrame;
    if (url.includes("/server/dist/") && !url.includes("node_modules")) {
      const key = `${functionName || "(anonymous)"} ${url.replace(/^.*\/server\/dist\//, "server/")}:${lineNumber + 1}`;
      if (!onStack.has(key)) inclusive.set(key, (inclusive.get(key) ?? 0) + us);
    }
    return us;
  };
  visit(profile.nodes[0], new Set());
  const pct = (us) => +((100 * us) / total).toFixed(1);
  return {
    totalMs: Math.round(total / 1000),
    top: rows.map(([fn, us]) => ({ fn, selfMs: Math.round(us / 1000), pct: pct(us) })),
    serverInclusive: [...inclusive].sort((a, b) => b[1] - a[1]).slice(0, top).map(([fn, us]) => ({ fn, pct: pct(us) })),
  };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const s = summarise(process.argv[2], Number(process.argv[3] ?? 12));
  console.log(`total sampled ${s.totalMs} ms`);
  for (const r of s.top) console.log(`${String(r.pct).padStart(5)}%  ${String(r.selfMs).padStart(6)} ms  ${r.fn}`);
  console.log("server code, inclusive time:");
  for (const r of s.serverInclusive) console.log(`${String(r.pct).padStart(5)}%  ${r.fn}`);
}
