// One stand-in instance for `run.mjs redis-shard`, forked by redis-shard.mjs: the server's own
// cluster room bus (server/dist), subscribed to the given rooms, publishing message-shaped
// payloads to them as fast as `inflight` concurrent publishes allow. No HTTP, no database: what
// reaches the shard is exactly what the servers send it, at a rate they could not reach here.
import { createLogger } from "../server/dist/logger.js";
import { createClusterRoomBus } from "../server/dist/realtime/cluster-bus.js";

const TOPIC = "messages";

process.once("message", async ({ nodes, prefix, rooms, inflight, seconds }) => {
  const bus = createClusterRoomBus(nodes, prefix, createLogger("warn"));
  let received = 0;
  await Promise.all(rooms.map((room) => bus.subscribe(TOPIC, room, () => received++)));
  process.send({ ready: true });
  await new Promise((resolve) => process.once("message", resolve)); // go
  const r0 = received;
  let published = 0;
  let failed = 0;
  const until = performance.now() + seconds * 1000;
  let n = 0;
  const loop = async () => {
    while (performance.now() < until) {
      const room = rooms[n++ % rooms.length];
      const payload = {
        kind: "added", id: String(n), courseId: String(room), content: `{"t":${Date.now()},"seq":${n}}`, sentOn: new Date().toISOString(),
        user: { id: String(1000 + (n % 500)), username: `student${1000 + (n % 500)}`, role: "STUDENT" }, previousId: String(n - 1),
      };
      try {
        await bus.publish(TOPIC, room, payload);
        published++;
      } catch {
        failed++;
      }
    }
  };
  await Promise.all(Array.from({ length: inflight }, loop));
  await new Promise((resolve) => setTimeout(resolve, 500)); // the last deliveries
  process.send({ published, failed, received: received - r0 });
  await bus.close();
  process.exit(0);
});
