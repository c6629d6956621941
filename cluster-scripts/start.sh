#!/usr/bin/env bash
# Starts a local ordo cluster on loopback, in the background, and returns once every node listens.
#   cluster-scripts/start.sh [--nodes 3|5] [--base-port P] [--data-dir D] [--foreground] [--proxy-peers]
# Node i serves clients on P+i-1 (peers on P+50+i-1). Writes D/endpoints. Restarting on a data dir
# left by an earlier run of the same cluster resumes with its data and its members: nodes added by
# node.sh add come back (with --join), removed ones stay down. --foreground (npm start) stays
# attached and stops every node on Ctrl-C. --proxy-peers routes every peer link through a port the
# chaos harness serves (see lib.sh); without the harness the nodes cannot reach each other.
. "$(dirname "$0")/lib.sh"
NODES=3; BASE_PORT=7100; D="$DEFAULT_DATA_DIR"; FOREGROUND=""; PROXY_PEERS=0
while [ $# -gt 0 ]; do
  case "$1" in
    --nodes) NODES="${2:?--nodes needs a value}"; shift 2 ;;
    --base-port) BASE_PORT="${2:?--base-port needs a value}"; shift 2 ;;
    --data-dir) D="${2:?--data-dir needs a value}"; shift 2 ;;
    --foreground) FOREGROUND=1; shift ;;
    --proxy-peers) PROXY_PEERS=1; shift ;;
    -h|--help) usage; exit 0 ;;
    *) die "unknown argument $1 (see --help)" ;;
  esac
done
[[ "$NODES" =~ ^[1-9]$ ]] || die "--nodes must be 1..9, got $NODES"
[[ "$BASE_PORT" =~ ^[0-9]+$ ]] && [ "$BASE_PORT" -ge 1024 ] && [ "$BASE_PORT" -le 65400 ] || die "--base-port must be 1024..65400, got $BASE_PORT"
mkdir -p "$D"
D=$(cd "$D" && pwd)
if [ -f "$D/cluster.env" ]; then
  # shellcheck disable=SC1091
  prev_nodes=$(. "$D/cluster.env"; echo "$NODES")
  [ "$prev_nodes" = "$NODES" ] || die "$D holds a $prev_nodes-node cluster; refusing to start it with $NODES nodes"
fi
mapfile -t ids < <(member_ids "$D" "$NODES")
for i in "${ids[@]}"; do
  if pid_of "$D" "$i" >/dev/null; then die "node $i of $D is already running (pid $(pid_of "$D" "$i")); stop it first: cluster-scripts/stop.sh --data-dir $D"; fi
  for p in $(client_port "$BASE_PORT" "$i") $(peer_port "$BASE_PORT" "$i"); do
    port_open "$p" && die "port $p is already in use"
  done
done
ensure_built
printf 'NODES=%s\nBASE_PORT=%s\nPROXY_PEERS=%s\n' "$NODES" "$BASE_PORT" "$PROXY_PEERS" >"$D/cluster.env"
for i in "${ids[@]}"; do start_node "$D" "$i"; done
write_endpoints "$D"
endpoints=$(cat "$D/endpoints")
for i in "${ids[@]}"; do
  wait_listening "$D" "$i" 30 || { for j in "${ids[@]}"; do stop_node "$D" "$j"; done; exit 1; }
done
cat <<TXT
ordo: ${#ids[@]} nodes listening (data, pids and logs in $D)
  endpoints: $endpoints
  try:   npx ordo put greeting hello --endpoints $endpoints
         npx ordo get greeting --endpoints $endpoints
         npx ordo status --endpoints $endpoints
  stop:  cluster-scripts/stop.sh --data-dir $D
TXT
[ -n "$FOREGROUND" ] || exit 0
trap 'echo; echo "stopping..."; for i in "${ids[@]}"; do stop_node "$D" "$i"; done; exit 0' INT TERM
echo "(foreground: Ctrl-C stops all ${#ids[@]} nodes)"
while true; do sleep 1; done
