#!/usr/bin/env bash
# What the test suite needs on a Debian machine, set up only where missing (so a second run
# takes a moment): PostgreSQL and Redis running on 127.0.0.1, Debian's chromium for the browser
# tests (never a downloaded browser) and nginx for the load-balancer test. Run by `npm test`
# (pretest) and .ci/run. Installing packages needs root (or sudo).
set -euo pipefail

as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; elif command -v sudo >/dev/null; then sudo "$@"; else
    echo "test prerequisites: '$*' needs root; run it as root or install the packages yourself." >&2
    exit 1
  fi
}

missing=()
[ -x /usr/bin/chromium ] || missing+=(chromium)
command -v nginx >/dev/null || missing+=(nginx)
if [ ${#missing[@]} -gt 0 ]; then
  echo "test prerequisites: installing ${missing[*]}"
  as_root apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
  # The package starts a system nginx on port 80; the load-balancer test runs its own.
  if [[ " ${missing[*]} " == *" nginx "* ]]; then as_root nginx -s quit 2>/dev/null || true; fi
fi

postgres_up() { pg_isready -h 127.0.0.1 -p 5432 -q 2>/dev/null; }
redis_up() { redis-cli -h 127.0.0.1 -p 6379 ping 2>/dev/null | grep -q PONG; }

if ! postgres_up; then
  if [ ! -d /etc/postgresql ] || ! command -v pg_ctlcluster >/dev/null; then
    echo "test prerequisites: PostgreSQL is not installed (apt-get install postgresql)." >&2
    exit 1
  fi
  echo "test prerequisites: starting PostgreSQL"
  # shellcheck disable=SC2046 # one cluster version per machine
  as_root pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start
fi
if ! redis_up; then
  if ! command -v redis-server >/dev/null; then
    echo "test prerequisites: Redis is not installed (apt-get install redis-server)." >&2
    exit 1
  fi
  echo "test prerequisites: starting Redis"
  as_root mkdir -p /var/lib/redis /var/log/redis
  as_root redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 --save "" --appendonly no \
    --dir /var/lib/redis --logfile /var/log/redis/ci.log
fi
for _ in $(seq 1 30); do
  postgres_up && redis_up && exit 0
  sleep 1
done
postgres_up || echo "test prerequisites: PostgreSQL did not come up on 127.0.0.1:5432." >&2
redis_up || echo "test prerequisites: Redis did not come up on 127.0.0.1:6379." >&2
exit 1
