// Runs the server under `node --cpu-prof`. The profile is written only when the process exits
// normally, and the server's graceful SIGTERM stop did not finish within 15 s even when idle
// (seen on this build), so we force process.exit a few seconds after SIGTERM.
process.on("SIGTERM", () => setTimeout(() => process.exit(0), 3000));
await import("../server/dist/main.js");
