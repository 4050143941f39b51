#!/usr/bin/env bash
# A cluster on this machine, all on 127.0.0.1: redis-server, N nodes of the runnable jar with the compat fixture
# and the Redis broker, and HAProxy in front (configured from deploy/haproxy.cfg, as testkit's LocalCluster does).
#
#   bash scripts/cluster.sh up [--nodes N] [--port LB_PORT] [--redis-port PORT] [-- NODE_OPTIONS...]
#   bash scripts/cluster.sh status
#   bash scripts/cluster.sh down
#
# `up` prints the load balancer's URL as its last line. Ports are free ones unless given. Pids, ports and logs
# are kept in target/cluster/ (or $RPCWS_CLUSTER_DIR): `state` is a shell file of NAME=VALUE lines. It installs
# redis-server and haproxy with apt-get where they are missing (as root or with password-less sudo) and builds
# the runnable jar if it is missing.
set -euo pipefail
cd "$(dirname "$0")/.."
DIR=${RPCWS_CLUSTER_DIR:-$PWD/target/cluster}
STATE=$DIR/state
JAR=server/target/rpcws-server.jar
START_TIMEOUT=60   # seconds for each process to say it is ready (a cold JVM on a loaded 2-core machine)

die() { echo "cluster: $*" >&2; exit 1; }

free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

alive() { [ -n "${1:-}" ] && kill -0 "$1" 2>/dev/null; }

# wait_for_line FILE REGEX PID: until FILE has a line matching REGEX, the process ends, or START_TIMEOUT passes.
wait_for_line() {
  local deadline=$(( $(date +%s) + START_TIMEOUT ))
  until grep -Eq "$2" "$1" 2>/dev/null; do
    alive "$3" || { tail -20 "$1" >&2; die "$(basename "$1" .log) exited before it was ready (log: $1)"; }
    [ "$(date +%s)" -lt "$deadline" ] || die "$(basename "$1" .log) not ready after ${START_TIMEOUT} s (log: $1)"
    sleep 0.2
  done
}

wait_for_port() {
  local deadline=$(( $(date +%s) + START_TIMEOUT ))
  until (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; do
    [ "$(date +%s)" -lt "$deadline" ] || die "nothing accepts on 127.0.0.1:$1 after ${START_TIMEOUT} s"
    sleep 0.2
  done
}

# Starts a command detached from this shell (it outlives the script), output to a log; prints its pid.
launch() {
  local log=$1; shift
  setsid nohup "$@" >"$log" 2>&1 </dev/null &
  echo $!
}

install_tools() {
  local missing=()
  command -v redis-server >/dev/null || missing+=(redis-server)
  command -v haproxy >/dev/null || [ -x /usr/sbin/haproxy ] || missing+=(haproxy)
  [ ${#missing[@]} -eq 0 ] && return
  local as_root
  if [ "$(id -u)" -eq 0 ]; then as_root=(); elif sudo -n true 2>/dev/null; then as_root=(sudo -n); else
    die "${missing[*]} missing and this user cannot install them: apt-get install ${missing[*]}"
  fi
  echo "== apt-get install ${missing[*]}"
  "${as_root[@]}" apt-get update -qq
  "${as_root[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

haproxy_bin() { command -v haproxy || echo /usr/sbin/haproxy; }

up() {
  local nodes=3 lb_port="" redis_port="" node_options=()
  while [ $# -gt 0 ]; do
    case $1 in
      --nodes) nodes=$2; shift 2 ;;
      --port) lb_port=$2; shift 2 ;;
      --redis-port) redis_port=$2; shift 2 ;;
      --) shift; node_options=("$@"); break ;;
      *) die "unknown option $1 (usage: up [--nodes N] [--port LB_PORT] [--redis-port PORT] [-- NODE_OPTIONS...])" ;;
    esac
  done
  [[ $nodes =~ ^[1-9][0-9]?$ ]] || die "--nodes takes 1 to 99"
  if [ -f "$STATE" ]; then
    # shellcheck disable=SC1090
    . "$STATE"
    alive "${HAPROXY_PID:-}" && die "a cluster is already up at ws://127.0.0.1:$LB_PORT/ (bash scripts/cluster.sh down first)"
    down >/dev/null
  fi
  install_tools
  if [ ! -f "$JAR" ]; then
    echo "== building $JAR"
    ./mvnw -q -B -ntp -DskipTests package -pl server -am
  fi
  mkdir -p "$DIR"
  : >"$STATE"
  trap 'echo "cluster: start-up failed; stopping what started" >&2; down >/dev/null 2>&1 || true' EXIT

  redis_port=${redis_port:-$(free_port)}
  local pid
  pid=$(launch "$DIR/redis.log" redis-server --port "$redis_port" --bind 127.0.0.1 --save "" --appendonly no)
  printf 'REDIS_PID=%s\nREDIS_PORT=%s\n' "$pid" "$redis_port" >>"$STATE"
  wait_for_line "$DIR/redis.log" "Ready to accept connections" "$pid"
  echo "redis    pid $pid  redis://127.0.0.1:$redis_port"

  local i ids=() servers=""
  for i in $(seq 1 "$nodes"); do
    pid=$(launch "$DIR/n$i.log" java -jar "$JAR" --port 0 --admin-port 0 --fixture compat \
      --broker "redis://127.0.0.1:$redis_port" --node-id "n$i" "${node_options[@]}")
    printf 'NODE_n%s_PID=%s\n' "$i" "$pid" >>"$STATE"
    ids+=("n$i")
  done
  for id in "${ids[@]}"; do
    pid=$(sed -n "s/^NODE_${id}_PID=//p" "$STATE")
    wait_for_line "$DIR/$id.log" "listening ws=[0-9]+ admin=[0-9]+" "$pid"
    local line ws admin
    line=$(grep -Eo "listening ws=[0-9]+ admin=[0-9]+" "$DIR/$id.log" | head -1)
    ws=${line#listening ws=}; ws=${ws%% *}; admin=${line##*admin=}
    printf 'NODE_%s_PORT=%s\nNODE_%s_ADMIN_PORT=%s\n' "$id" "$ws" "$id" "$admin" >>"$STATE"
    servers+="    server $id 127.0.0.1:$ws check port $admin"$'\n'
    echo "node $id  pid $pid  ws://127.0.0.1:$ws/  admin http://127.0.0.1:$admin/health"
  done
  printf 'NODES="%s"\n' "${ids[*]}" >>"$STATE"
  # A cold JVM's first admin request can outlast HAProxy's check timeout: answer one before it asks.
  for id in "${ids[@]}"; do
    curl -s --max-time 10 -o /dev/null "http://127.0.0.1:$(sed -n "s/^NODE_${id}_ADMIN_PORT=//p" "$STATE")/health" || true
  done

  lb_port=${lb_port:-$(free_port)}
  { sed "s/@LB_PORT@/$lb_port/" deploy/haproxy.cfg; printf '%s' "$servers"; } >"$DIR/haproxy.cfg"
  pid=$(launch "$DIR/haproxy.log" "$(haproxy_bin)" -db -V -f "$DIR/haproxy.cfg")
  printf 'HAPROXY_PID=%s\nLB_PORT=%s\n' "$pid" "$lb_port" >>"$STATE"
  wait_for_line "$DIR/haproxy.log" "as the polling mechanism" "$pid"
  wait_for_port "$lb_port"
  trap - EXIT
  echo "haproxy  pid $pid  config $DIR/haproxy.cfg"
  echo "logs and state: $DIR"
  echo "ws://127.0.0.1:$lb_port/"
}

# Nodes drain on SIGTERM (health 503, clients closed with 1001 over the drain window) and exit.
stop() {
  local name=$1 pid=$2 wait_s=$3
  alive "$pid" || return 0
  kill -TERM "$pid" 2>/dev/null || return 0
  local deadline=$(( $(date +%s) + wait_s ))
  while alive "$pid" && [ "$(date +%s)" -lt "$deadline" ]; do sleep 0.2; done
  if alive "$pid"; then
    echo "$name (pid $pid) still runs after ${wait_s} s: SIGKILL" >&2
    kill -KILL "$pid" 2>/dev/null || true
  fi
}

down() {
  [ -f "$STATE" ] || { echo "no cluster state in $DIR"; return 0; }
  # shellcheck disable=SC1090
  . "$STATE"
  local id pid
  for id in ${NODES:-}; do
    pid=$(sed -n "s/^NODE_${id}_PID=//p" "$STATE")
    stop "node $id" "$pid" 40 &
  done
  wait
  stop haproxy "${HAPROXY_PID:-}" 10
  stop redis "${REDIS_PID:-}" 10
  rm -f "$STATE"
  echo "cluster down (logs kept in $DIR)"
}

status() {
  [ -f "$STATE" ] || { echo "no cluster is up (no $STATE)"; return 1; }
  # shellcheck disable=SC1090
  . "$STATE"
  local id pid port admin health
  if alive "${REDIS_PID:-}"; then
    echo "redis    pid $REDIS_PID  redis://127.0.0.1:$REDIS_PORT  $(redis-cli -p "$REDIS_PORT" ping 2>&1 || true)"
  else
    echo "redis    DOWN"
  fi
  for id in ${NODES:-}; do
    pid=$(sed -n "s/^NODE_${id}_PID=//p" "$STATE")
    port=$(sed -n "s/^NODE_${id}_PORT=//p" "$STATE")
    admin=$(sed -n "s/^NODE_${id}_ADMIN_PORT=//p" "$STATE")
    if alive "$pid"; then
      health=$(curl -s --max-time 2 -w ' (HTTP %{http_code})' "http://127.0.0.1:$admin/health" || echo "no answer")
      echo "node $id  pid $pid  ws $port  admin $admin  $health"
    else
      echo "node $id  DOWN"
    fi
  done
  if alive "${HAPROXY_PID:-}"; then
    echo "haproxy  pid $HAPROXY_PID  ws://127.0.0.1:$LB_PORT/"
    grep -E "Server nodes/" "$DIR/haproxy.log" | tail -5 | sed 's/^/  /' || true
  else
    echo "haproxy  DOWN"
  fi
}

case ${1:-} in
  up) shift; up "$@" ;;
  down) down ;;
  status) status ;;
  *) echo "usage: bash scripts/cluster.sh up [--nodes N] [--port LB_PORT] [--redis-port PORT] [-- NODE_OPTIONS...] | status | down" >&2; exit 2 ;;
esac
