#!/usr/bin/env bash
# Runs the mocha suite with the clock moved to another instant by libfaketime (Debian `faketime`),
# to show that no test depends on the day it runs on.
#
#   test/support/faketime-run.sh [WHEN] [mocha arguments...]
#
# WHEN is anything `date -d` reads, as Europe/Amsterdam local time unless it carries an offset:
# '2027-12-01 14:00', '2027-03-28 01:40' (20 min before the clocks go forward), '2027-10-31 02:40
# +0200' (the first 02:40 of the night the clocks go back: without the offset `date` takes the
# second one, +0100). Without WHEN: 02:40 CEST on the last Sunday of October next year, 20 minutes
# before the clocks go back, so deadlines of the running tests span the change. The instant set is
# printed first. Mocha arguments default to the whole suite ('test/**/*.test.ts').
#
# The clock is moved by an offset (FAKETIME="+<seconds>"), not set to a start instant: every process
# started during the run (node, php, chromium) sees the same moved clock, going on at normal speed,
# which a child started later with '@<instant>' would not.
#
# redis-server and redis-cli cannot run under libfaketime (they fail on recursive clock_gettime
# calls), nor can Chromium (its zygote processes die), so a directory first on PATH holds wrappers
# that start them, and any MariaDB/MySQL binary, on the real clock; CHROMIUM_PATH names the
# Chromium one for the dashboard test. The dashboard shows the times the API computed; only the
# months of its compliance chart come from the browser's clock, and the test counts them. Redis on
# the real clock is safe for the bridge: BullMQ's queue scripts take every
# timestamp (job creation, delays, promotion, stalled checks, retention) as an argument from the
# client, and the bridge's own scripts and keys use relative expiries (PX) only; the one place BullMQ
# reads the server's clock (TIME) is its relay, which the bridge does not use. Redis Sentinel and
# Cluster keep their own timing among servers that all share the real clock.
set -euo pipefail
cd "$(dirname "$0")/../.."

ZONE=Europe/Amsterdam

when=${1:-}
[ $# -gt 0 ] && shift
if [ -z "$when" ]; then
  year=$(($(date +%Y) + 1))
  # Last Sunday of October: the 31st minus its weekday (date +%u: Monday 1 ... Sunday 7).
  day=$((31 - $(date -d "$year-10-31" +%u) % 7))
  when="$year-10-$day 02:40 +0200"
fi

lib=${FAKETIME_LIB:-}
if [ -z "$lib" ]; then
  for candidate in /usr/lib/*/faketime/libfaketimeMT.so.1 /usr/lib/faketime/libfaketimeMT.so.1; do
    if [ -e "$candidate" ]; then lib=$candidate; break; fi
  done
fi
if [ -z "$lib" ] || [ ! -e "$lib" ]; then
  echo "faketime-run: libfaketime is not installed (apt-get install faketime)" >&2
  exit 1
fi

target=$(TZ=$ZONE date -d "$when" +%s) || { echo "faketime-run: date cannot read \"$when\"" >&2; exit 1; }
offset=$((target - $(date +%s)))
sign=+
[ "$offset" -lt 0 ] && sign=-
faketime="$sign${offset#-}"

wrappers=$(mktemp -d "${TMPDIR:-/tmp}/sla-bridge-faketime-XXXXXX")
trap 'rm -rf "$wrappers"' EXIT
wrapped=()
for name in redis-server redis-cli redis-sentinel redis-benchmark redis-check-aof redis-check-rdb chromium chromium-browser mariadbd mysqld mariadb mysql mariadb-install-db mysql_install_db; do
  real=$(command -v "$name" || true)
  [ -n "$real" ] || continue
  printf '#!/bin/sh\n# %s on the real clock: it cannot run under libfaketime.\nexec env -u LD_PRELOAD -u FAKETIME -u FAKETIME_DONT_FAKE_MONOTONIC %q "$@"\n' "$name" "$real" >"$wrappers/$name"
  chmod +x "$wrappers/$name"
  wrapped+=("$name")
done

export PATH="$wrappers:$PATH"
[ -x "$wrappers/chromium" ] && export CHROMIUM_PATH="$wrappers/chromium"
export FAKETIME="$faketime"
export FAKETIME_DONT_FAKE_MONOTONIC=1
export LD_PRELOAD="$lib${LD_PRELOAD:+:$LD_PRELOAD}"

# The moved clock must have taken, in node itself: otherwise the run would prove nothing.
seen=$(node -e 'process.stdout.write(String(Math.round(Date.now() / 1000)))')
if [ $((seen - target)) -gt 60 ] || [ $((target - seen)) -gt 60 ]; then
  echo "faketime-run: node sees $(date -u -d "@$seen" +%FT%TZ), not the instant set; is $lib working?" >&2
  exit 1
fi

echo "faketime-run: clock at $(TZ=$ZONE date -d "@$target" '+%F %T %z (%Z)') $ZONE = $(date -u -d "@$target" +%FT%TZ); FAKETIME=$FAKETIME; on the real clock: ${wrapped[*]:-nothing}"
if [ $# -eq 0 ]; then set -- 'test/**/*.test.ts'; fi
# Not exec: the EXIT trap removes the wrappers afterwards.
status=0
node_modules/.bin/mocha "$@" || status=$?
exit "$status"
