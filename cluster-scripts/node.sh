#!/usr/bin/env bash
# Acts on one node of a cluster started by start.sh:
#   cluster-scripts/node.sh kill|pause|resume|restart|stop ID [--data-dir D]
# kill = kill -9; pause = SIGSTOP; resume = SIGCONT; restart = start again with the same data
# (killing it first if it still runs) and wait until it listens; stop = graceful SIGTERM.
. "$(dirname "$0")/lib.sh"
action="${1:-}"; id="${2:-}"; shift 2 2>/dev/null || true
D="$DEFAULT_DATA_DIR"
while [ $# -gt 0 ]; do
  case "$1" in
    --data-dir) D="${2:?--data-dir needs a value}"; shift 2 ;;
    *) die "unknown argument $1" ;;
  esac
done
[[ "$id" =~ ^[0-9]+$ ]] || die "usage: node.sh kill|pause|resume|restart|stop ID [--data-dir D]"
[ -f "$D/cluster.env" ] || die "$D holds no cluster (no cluster.env); start one with start.sh"
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
    if pid=$(pid_of "$D" "$id"); then kill -CONT "$pid" 2>/dev/null || true; kill -KILL "$pid"; while kill -0 "$pid" 2>/dev/null; do sleep 0.05; done; fi
    ensure_built
    start_node "$D" "$id"
    wait_listening "$D" "$id" 30 || exit 1
    echo "restarted node $id (pid $(cat "$D/n$id.pid"))" ;;
  *) die "unknown action '$action' (kill, pause, resume, restart, stop)" ;;
esac
