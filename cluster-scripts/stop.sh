#!/usr/bin/env bash
# Stops every node of a cluster started by start.sh (paused ones and ones node.sh added too), by pid file.
#   cluster-scripts/stop.sh [--data-dir D]
. "$(dirname "$0")/lib.sh"
D="$DEFAULT_DATA_DIR"
while [ $# -gt 0 ]; do
  case "$1" in
    --data-dir) D="${2:?--data-dir needs a value}"; shift 2 ;;
    -h|--help) usage; exit 0 ;;
    *) die "unknown argument $1" ;;
  esac
done
[ -d "$D" ] || die "no such data dir $D"
shopt -s nullglob
for f in "$D"/n*.pid; do
  id=${f##*/n}; id=${id%.pid}
  stop_node "$D" "$id"
done
echo "stopped the cluster in $D"
