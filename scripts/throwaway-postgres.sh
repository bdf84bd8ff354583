#!/usr/bin/env bash
# Start or stop a throwaway PostgreSQL server on 127.0.0.1 for a test run.
#   scripts/throwaway-postgres.sh start DIR OWNER_PID [PORT]   -> prints the database URL
#   scripts/throwaway-postgres.sh stop DIR
# DIR is the run's own directory, e.g. "$(mktemp -d /tmp/kyr-pg.XXXXXX)". The server listens on a free port
# (PORT, when given, is only tried first), so several runs on one machine never collide. OWNER_PID is the
# process of the run the server belongs to (the test runner's $$, not a subshell that exits at once), recorded
# in DIR/owner: a run killed before its trap could stop the server leaves it behind, and the next start stops
# and removes every /tmp/kyr-pg.* server whose owner has exited, never one whose owner is alive.
# initdb refuses to run as root, so as root the server runs as the `postgres` system user.
set -euo pipefail
action="${1:?say start or stop}"
dir="${2:?name the server directory, e.g. \"\$(mktemp -d /tmp/kyr-pg.XXXXXX)\"}"
owner="${3:-}"
first_port="${4:-}"
bin="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)"
[ -x "$bin/initdb" ] || { echo "PostgreSQL is not installed (Debian package: postgresql)." >&2; exit 1; }
attempts=5

as_owner() {
  if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

# A process's start time (clock ticks after boot): with the PID it tells the owner from a later process
# that happens to get the same PID.
started_at() {
  local stat
  stat="$(cat "/proc/$1/stat" 2>/dev/null)" || return 1
  stat="${stat##*) }"  # the command name in parentheses may hold spaces; the fields after it do not
  read -r -a fields <<<"$stat"
  echo "${fields[19]}"  # field 22 of /proc/PID/stat; fields[0] is field 3
}

owner_alive() {
  local pid started
  [ -f "$1/owner" ] || return 0  # no owner recorded (yet, or an older script's run): not ours to remove
  read -r pid started <"$1/owner" || true
  [ "$(started_at "$pid")" = "$started" ]
}

stop_server() {
  as_owner "$bin/pg_ctl" -D "$1/data" -m fast stop >/dev/null 2>&1 || true
  rm -rf "$1" 2>/dev/null || true
}

remove_stale_servers() {
  local other
  for other in /tmp/kyr-pg.*; do
    [ -d "$other" ] && [ "$other" != "$dir" ] || continue
    owner_alive "$other" && continue
    echo "Stopping a PostgreSQL server left by an interrupted test run (its run $(cut -d' ' -f1 "$other/owner" 2>/dev/null) has exited): $other" >&2
    stop_server "$other"
  done
}

free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

case "$action" in
  start)
    [ -n "$owner" ] || { echo "Name the process the server belongs to: start DIR OWNER_PID [PORT]." >&2; exit 2; }
    mkdir -p "$dir"
    started="$(started_at "$owner")" || { echo "The owner process $owner is not running." >&2; exit 1; }
    echo "$owner $started" >"$dir/owner"
    remove_stale_servers
    [ "$(id -u)" -eq 0 ] && chown postgres "$dir"
    as_owner "$bin/initdb" -D "$dir/data" -U postgres --auth=trust -E UTF8 >/dev/null
    port="${first_port:-$(free_port)}"
    for attempt in $(seq "$attempts"); do
      rm -f "$dir/server.log"
      if as_owner "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w \
        -o "-h 127.0.0.1 -p $port -k $dir -c fsync=off -c full_page_writes=off -c lc_messages=C -c max_connections=200" \
        start >/dev/null 2>&1; then
        echo "postgresql+psycopg://postgres@127.0.0.1:$port/postgres"
        exit 0
      fi
      # Between choosing a free port and binding it, another program may have taken it: choose again.
      grep -q "Address already in use" "$dir/server.log" 2>/dev/null || break
      echo "Port $port was taken before PostgreSQL could bind it (attempt $attempt of $attempts)." >&2
      port="$(free_port)"
    done
    echo "PostgreSQL did not start; the end of $dir/server.log:" >&2
    tail -n 20 "$dir/server.log" >&2 2>/dev/null || true
    exit 1
    ;;
  stop)
    stop_server "$dir"
    ;;
  *)
    echo "Unknown action '$action': use start or stop." >&2
    exit 2
    ;;
esac
