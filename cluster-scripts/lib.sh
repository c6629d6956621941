# Shared by start.sh, stop.sh and node.sh. Sourced, not run.
# Layout of a cluster's data dir D:
#   D/cluster.env      nodes and base port, written by start.sh (node.sh restart reads it)
#   D/endpoints        client endpoints of the members, comma-separated, in node-id order
#   D/n<ID>/data       the node's LevelDB
#   D/n<ID>.pid        its pid;  D/n<ID>.log  its JSON log
#   D/n<ID>.joined     node ID was added by node.sh add: it runs with --join, and --members lists
#                      the original nodes 1..NODES and itself
#   D/n<ID>.removed    node ID was removed by node.sh remove: start.sh and node.sh restart leave it
#                      down (its data stays)
# The members: nodes 1..NODES and the joined ones, less the removed ones (member_ids).
# Ports: node i serves clients on P+i-1 and peers on P+50+i-1, so ids end at 50. With
# --proxy-peers (chaos tests), node i reaches peer j through P+60+5*(i-1)+(j-1), where the harness
# runs a fault-injecting proxy for that directed link; every port stays within [P, P+99] for ids
# up to 5. A node added there (node.sh add) reaches the original nodes through its proxies the
# same way, but is added at its own peer port, which every node learns from the log: links into
# an added node, and between added nodes, are not proxied.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
DEFAULT_DATA_DIR="$ROOT/.ordo/cluster"

die() { echo "$(basename "$0"): $*" >&2; exit 2; }

usage() { sed -n '2,/^[^#]/{/^#/p}' "$0"; } # the script's header comment

client_port() { echo $(( $1 + $2 - 1 )); }        # base id
peer_port() { echo $(( $1 + 50 + $2 - 1 )); }     # base id

proxy_port() { echo $(( $1 + 60 + 5 * ($2 - 1) + $3 - 1 )); }   # base from to

member_entry() { # base id [peer port]: one member of --members, id=clientHost:port/peerHost:port
  echo "$2=127.0.0.1:$(client_port "$1" "$2")/127.0.0.1:${3:-$(peer_port "$1" "$2")}"
}

members_spec() { # nodes base [self proxied]: the --members list as node `self` sees it
  local spec="" i port
  for i in $(seq 1 "$1"); do
    port=$(peer_port "$2" "$i")
    [ "${4:-}" = 1 ] && [ "$i" != "$3" ] && port=$(proxy_port "$2" "$3" "$i")
    spec+="${spec:+,}$(member_entry "$2" "$i" "$port")"
  done
  echo "$spec"
}

member_ids() { # D nodes: the members' ids, ascending, one a line
  local f id
  {
    seq 1 "$2"
    for f in "$1"/n*.joined; do
      [ -e "$f" ] || continue
      id=${f##*/n}; echo "${id%.joined}"
    done
  } | sort -nu | while read -r id; do [ -e "$1/n$id.removed" ] || echo "$id"; done
}

write_endpoints() { # D: D/endpoints from the members
  local id endpoints=""
  # shellcheck disable=SC1091
  . "$1/cluster.env"
  for id in $(member_ids "$1" "$NODES"); do endpoints+="${endpoints:+,}127.0.0.1:$(client_port "$BASE_PORT" "$id")"; done
  echo "$endpoints" >"$1/endpoints"
}

ordo() { node "$ROOT/bin/ordo" "$@"; }

# Prints the value of a JavaScript expression over the JSON on stdin, bound to `j` (ordo's --json
# output): node is there anyway, jq may not be. Fails quietly on no input (the command before it
# failed and said why).
json_eval() {
  # shellcheck disable=SC2016 # JavaScript in single quotes
  node -e 'let s = ""; process.stdin.on("data", (d) => (s += d)).on("end", () => {
    if (!s.trim()) process.exit(1);
    console.log(new Function("j", `return (${process.argv[1]})`)(JSON.parse(s)));
  })' "$1"
}

ensure_built() {
  if [ ! -f "$ROOT/dist/src/cli/main.js" ]; then
    echo "building ordo (npm run build)..." >&2
    (cd "$ROOT" && npm run -s build) >&2
  fi
}

pid_of() { # D id -> pid if the process is alive
  local f="$1/n$2.pid" pid
  [ -f "$f" ] || return 1
  pid=$(cat "$f")
  kill -0 "$pid" 2>/dev/null || return 1
  echo "$pid"
}

# Starts node ID in the background with the cluster's settings; does not wait. A joined node
# (node.sh add) is no bootstrap voter: it starts with --join and waits to be added.
start_node() { # D id
  local D="$1" id="$2" spec join=()
  # shellcheck disable=SC1091
  . "$D/cluster.env"
  spec=$(members_spec "$NODES" "$BASE_PORT" "$id" "${PROXY_PEERS:-0}")
  if [ -e "$D/n$id.joined" ]; then spec+=",$(member_entry "$BASE_PORT" "$id")"; join=(--join); fi
  mkdir -p "$D/n$id/data"
  ORDO_NODE_ARGS=${ORDO_NODE_ARGS:-}
  # shellcheck disable=SC2086
  nohup node "$ROOT/bin/ordo" server --id "$id" "${join[@]}" --members "$spec" \
    --data-dir "$D/n$id/data" $ORDO_NODE_ARGS >>"$D/n$id.log" 2>&1 </dev/null &
  echo $! >"$D/n$id.pid"
}

port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

wait_listening() { # D id timeout_s
  local port end
  # shellcheck disable=SC1091
  . "$1/cluster.env"
  port=$(client_port "$BASE_PORT" "$2")
  end=$((SECONDS + $3))
  while [ "$SECONDS" -lt "$end" ]; do
    port_open "$port" && return 0
    pid_of "$1" "$2" >/dev/null || { echo "node $2 exited during start-up; last log lines:" >&2; tail -5 "$1/n$2.log" >&2; return 1; }
    sleep 0.1
  done
  echo "node $2 is not listening on $port after $3 s" >&2
  return 1
}

# SIGCONT first (a paused node cannot act on SIGTERM), then SIGTERM, then SIGKILL after 5 s.
stop_node() { # D id
  local pid i
  pid=$(pid_of "$1" "$2") || { rm -f "$1/n$2.pid"; return 0; }
  kill -CONT "$pid" 2>/dev/null || true
  kill -TERM "$pid" 2>/dev/null || true
  for i in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  kill -0 "$pid" 2>/dev/null && kill -KILL "$pid" 2>/dev/null || true
  rm -f "$1/n$2.pid"
}
