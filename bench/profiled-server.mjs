// Runs the server under the inspector's CPU profiler. The profile covers the whole run unless
// the bench sends SIGHUP: the first one starts the profile afresh (the measured window opens,
// so seeding and connecting stay out of it), the next one or SIGTERM writes it. The server's
// graceful SIGTERM stop did not finish within 15 s even when idle (seen on this build), so the
// process exits a few seconds after SIGTERM.
import { writeFileSync } from "node:fs";
import { Session } from "node:inspector/promises";

const dir = process.env.PROFILE_DIR ?? ".";
const session = new Session();
session.connect();
await session.post("Profiler.enable");
await session.post("Profiler.setSamplingInterval", { interval: 1000 });
await session.post("Profiler.start");

let windows = 0;
let written = false;
async function write() {
  if (written) return;
  written = true;
  const { profile } = await session.post("Profiler.stop");
  const stamp = new Date().toISOString().replace(/[:.]/g, "-");
  writeFileSync(`${dir}/CPU.${stamp}.${process.pid}.cpuprofile`, JSON.stringify(profile));
}
process.on("SIGHUP", async () => {
  windows++;
  if (windows === 1) {
    await session.post("Profiler.stop");
    await session.post("Profiler.start");
  } else await write();
});
process.on("SIGTERM", async () => {
  await write();
  setTimeout(() => process.exit(0), 3000);
});
await import("../server/dist/main.js");
