#!/usr/bin/env bash
# Acts on one node of a cluster started by start.sh:
#   cluster-scripts/node.sh kill|pause|resume|restart|stop|add|remove ID [--data-dir D]
# kill = kill -9; pause = SIGSTOP; resume = SIGCONT; restart = start again with the same data
# (killing it first if it still runs) and wait until it listens; stop = graceful SIGTERM.
# add = start a new, empty node ID (above the cluster's original nodes, at most 50, or 5 with
# --proxy-peers, see lib.sh; ports by the same scheme) with --join, add it with `ordo member add
# --learner`, wait until it has caught up (60 s at most), promote it to voter and rewrite
# D/endpoints. remove = `ordo member remove ID`, then stop the node and drop it from D/endpoints;
# its data stays. Both honour ORDO_NODE_ARGS as start.sh does; restart and start.sh bring an added
# node back with --join, and leave a removed one down.
. "$(dirname "$0")/lib.sh"
CATCH_UP_TIMEOUT_S=60
case "${1:-}" in -h|--help) usage; exit 0 ;; esac
action="${1:-}"; id="${2:-}"; shift 2 2>/dev/null || true
D="$DEFAULT_DATA_DIR"
while [ $# -gt 0 ]; do
  case "$1" in
    --data-dir) D="${2:?--data-dir needs a value}"; shift 2 ;;
    *) die "unknown argument $1" ;;
  esac
done
[[ "$id" =~ ^[1-9][0-9]*$ ]] || die "usage: node.sh kill|pause|resume|restart|stop|add|remove ID [--data-dir D] (ID a positive integer, no leading zeros)"
[ -f "$D/cluster.env" ] || die "$D holds no cluster (no cluster.env); start one with start.sh"

# The checks of `add` that need no cluster: the id is new to D and its ports are free.
check_new_node() { # D id
  local pid p
  [ "${PROXY_PEERS:-0}" = 0 ] || [ "$2" -le 5 ] || die "a --proxy-peers cluster has proxy ports for ids 1..5 only (lib.sh proxy_port)"
  [ "$2" -gt "$NODES" ] || die "node $2 is one of the cluster's $NODES original nodes; pick an id above $NODES"
  [ "$2" -le 50 ] || die "node ids end at 50 (clients on P..P+49, peers on P+50..P+99)"
  if pid=$(pid_of "$1" "$2"); then die "node $2 is already running (pid $pid)"; fi
  [ ! -e "$1/n$2.removed" ] || die "node $2 was removed from this cluster and an id does not come back; pick another (its data stays in $1/n$2)"
  [ ! -e "$1/n$2.joined" ] || die "node $2 was added before; node.sh restart $2 starts it"
  [ ! -e "$1/n$2" ] || die "$1/n$2 exists, so node $2 would not start empty; move it away or pick another id"
  for p in $(client_port "$BASE_PORT" "$2") $(peer_port "$BASE_PORT" "$2"); do
    ! port_open "$p" || die "port $p is already in use"
  done
}

member_role() { # endpoints id: voter | learner | none, as the cluster answers; fails if it cannot tell
  ordo member list --json --endpoints "$1" | json_eval "j.members.find((m) => m.id === $2)?.role ?? 'none'"
}

# Undoes a start that did not become an add: nothing but the log (kept to tell why) remains.
forget_node() { # D id
  stop_node "$1" "$2"
  rm -rf "${1:?}/n$2" "$1/n$2.joined"
}

# The leader's commit index right after the add, then the new node's applied index up to it:
# once there, the node has the log up to and including its own addition.
wait_caught_up() { # D id endpoints timeout_s
  local end=$((SECONDS + $4)) self target="" applied=""
  self="127.0.0.1:$(client_port "$BASE_PORT" "$2")"
  while [ "$SECONDS" -lt "$end" ]; do
    if [ -z "$target" ]; then
      target=$(ordo status --json --endpoints "$3" 2>/dev/null | json_eval 'j.find((r) => r.role === "leader")?.commitIndex ?? ""') || target=""
    else
      applied=$(ordo status --json --endpoints "$self" 2>/dev/null | json_eval 'j[0].appliedIndex ?? ""') || applied=""
      if [ -n "$applied" ] && [ "$applied" -ge "$target" ]; then return 0; fi
    fi
    pid_of "$1" "$2" >/dev/null || { echo "node $2 exited; last log lines:" >&2; tail -5 "$1/n$2.log" >&2; return 1; }
    sleep 0.2
  done
  echo "node $2 has not caught up within $4 s (applied index ${applied:-unknown}, leader's commit index at the add ${target:-unknown}); see $1/n$2.log" >&2
  return 1
}

add_node() { # D id
  local D="$1" id="$2" endpoints address role
  # shellcheck disable=SC1091
  . "$D/cluster.env"
  check_new_node "$D" "$id"
  ensure_built
  endpoints=$(cat "$D/endpoints")
  # Asking the cluster first: it must answer, and must not know the id from outside this D.
  role=$(member_role "$endpoints" "$id") || die "the cluster at $endpoints does not answer (above); is it running?"
  [ "$role" = none ] || die "node $id is already a member ($role) of the cluster at $endpoints"
  touch "$D/n$id.joined" # before the start: start_node reads it
  start_node "$D" "$id"
  wait_listening "$D" "$id" 30 || { forget_node "$D" "$id"; exit 1; }
  address=$(member_entry "$BASE_PORT" "$id"); address=${address#*=}
  if ! ordo member add "$id" "$address" --learner --endpoints "$endpoints" >/dev/null; then
    # A failed answer need not mean the add was not made (a timeout): the membership tells.
    role=$(member_role "$endpoints" "$id") || die "cannot tell whether node $id was added (above); it keeps running: see \`ordo member list\`, then node.sh remove $id or node.sh stop $id"
    [ "$role" != none ] || { forget_node "$D" "$id"; die "node $id was not added (above); stopped it and removed $D/n$id"; }
    echo "node $id was added after all (a $role); going on" >&2
  fi
  wait_caught_up "$D" "$id" "$endpoints" "$CATCH_UP_TIMEOUT_S" ||
    die "node $id stays a learner; promote it once caught up (ordo member promote $id --endpoints $endpoints) or remove it (node.sh remove $id)"
  ordo member promote "$id" --endpoints "$endpoints" >/dev/null ||
    die "node $id caught up but was not promoted (above); it stays a learner: retry with ordo member promote $id --endpoints $endpoints"
  write_endpoints "$D"
  echo "added node $id (pid $(cat "$D/n$id.pid"), client $(client_port "$BASE_PORT" "$id"), peer $(peer_port "$BASE_PORT" "$id")) as a voter; endpoints $(cat "$D/endpoints")"
}

remove_node() { # D id
  local D="$1" id="$2"
  ordo member remove "$id" --endpoints "$(cat "$D/endpoints")" >/dev/null || die "node $id was not removed (above)"
  touch "$D/n$id.removed" # first: whatever happens next, nothing starts it again
  stop_node "$D" "$id"
  write_endpoints "$D"
  echo "removed node $id and stopped it (its data stays in $D/n$id); endpoints $(cat "$D/endpoints")"
}

case "$action" in
  kill)
    pid=$(pid_of "$D" "$id") || die "node $id is not running"
    kill -KILL "$pid"; while kill -0 "$pid" 2>/dev/null; do sleep 0.05; done
    rm -f "$D/n$id.pid"; echo "killed node $id (pid $pid)" ;;
  pause)
    pid=$(pid_of "$D" "$id") || die "node $id is not running"
    kill -STOP "$pid"; echo "paused node $id (pid $pid)" ;;
  resume)
    pid=$(pid_of "$D" "$id") || die "node $id is not running"
    kill -CONT "$pid"; echo "resumed node $id (pid $pid)" ;;
  stop)
    stop_node "$D" "$id"; echo "stopped node $id" ;;
  restart)
    [ ! -e "$D/n$id.removed" ] || die "node $id was removed from the cluster; it is not started again"
    if pid=$(pid_of "$D" "$id"); then kill -CONT "$pid" 2>/dev/null || true; kill -KILL "$pid"; while kill -0 "$pid" 2>/dev/null; do sleep 0.05; done; fi
    ensure_built
    start_node "$D" "$id"
    wait_listening "$D" "$id" 30 || exit 1
    echo "restarted node $id (pid $(cat "$D/n$id.pid"))" ;;
  add) add_node "$D" "$id" ;;
  remove) remove_node "$D" "$id" ;;
  *) die "unknown action '$action' (kill, pause, resume, restart, stop, add, remove)" ;;
esac
