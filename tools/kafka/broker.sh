#!/usr/bin/env bash
# A single-node Apache Kafka 3.9.1 broker in KRaft mode on loopback, for tests and local runs.
#   broker.sh fetch            fetch the jars (Maven) into the cache, once
#   broker.sh start DIR        format a fresh log dir under DIR, start, wait until it answers
#                              metadata; prints the bootstrap address (also in DIR/bootstrap)
#   broker.sh stop DIR         stop the broker started in DIR (SIGTERM, then SIGKILL)
#   broker.sh restart DIR      stop, then start again on the same ports and log dir
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
cache="${PAYLEDGER_CACHE:-$HOME/.cache/payledger}/kafka-3.9.1"

fetch() {
  if [ -f "$cache/.complete" ]; then return; fi
  mkdir -p "$cache"
  mvn -q -B -f "$here/pom.xml" dependency:copy-dependencies \
    -DoutputDirectory="$cache/libs" -DincludeScope=runtime >&2
  touch "$cache/.complete"
}

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

java_cp() { echo "$cache/libs/*"; }

write_config() {
  local dir="$1" port="$2" controller="$3"
  cat >"$dir/server.properties" <<PROPS
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@127.0.0.1:$controller
listeners=PLAINTEXT://127.0.0.1:$port,CONTROLLER://127.0.0.1:$controller
advertised.listeners=PLAINTEXT://127.0.0.1:$port
controller.listener.names=CONTROLLER
listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT
inter.broker.listener.name=PLAINTEXT
log.dirs=$dir/logs
num.partitions=4
offsets.topic.num.partitions=1
offsets.topic.replication.factor=1
transaction.state.log.num.partitions=1
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
min.insync.replicas=1
default.replication.factor=1
auto.create.topics.enable=true
group.initial.rebalance.delay.ms=0
PROPS
  cat >"$dir/log4j.properties" <<PROPS
log4j.rootLogger=WARN, file
log4j.appender.file=org.apache.log4j.FileAppender
log4j.appender.file.File=$dir/broker.log
log4j.appender.file.layout=org.apache.log4j.PatternLayout
log4j.appender.file.layout.ConversionPattern=[%d] %p %m (%c)%n
PROPS
}

java_opts() {
  local dir="$1"
  echo "-Xmx512m -Xms128m -XX:+UseSerialGC -Dlog4j.configuration=file:$dir/log4j.properties"
}

# Ready means the broker answers a metadata request, not merely accepts TCP.
wait_ready() {
  local dir="$1" bootstrap="$2"
  for _ in $(seq 1 240); do
    if kcat -b "$bootstrap" -L -m 2 >/dev/null 2>&1; then return 0; fi
    if ! kill -0 "$(cat "$dir/pid")" 2>/dev/null; then
      echo "broker exited; see $dir/broker.log and $dir/stdout" >&2
      return 1
    fi
    sleep 0.25
  done
  echo "broker did not answer metadata within 60 s" >&2
  return 1
}

launch() {
  local dir="$1"
  # shellcheck disable=SC2046
  setsid java $(java_opts "$dir") -cp "$(java_cp)" kafka.Kafka "$dir/server.properties" \
    >"$dir/stdout" 2>&1 </dev/null &
  echo $! >"$dir/pid"
  wait_ready "$dir" "$(cat "$dir/bootstrap")"
  cat "$dir/bootstrap"
}

start() {
  local dir="$1"
  fetch
  mkdir -p "$dir"
  local port controller
  port="$(free_port)"
  controller="$(free_port)"
  write_config "$dir" "$port" "$controller"
  echo "127.0.0.1:$port" >"$dir/bootstrap"
  local uuid
  uuid="$(java -cp "$(java_cp)" kafka.tools.StorageTool random-uuid 2>/dev/null | tail -n 1)"
  java $(java_opts "$dir") -cp "$(java_cp)" kafka.tools.StorageTool format \
    -t "$uuid" -c "$dir/server.properties" >"$dir/format.log" 2>&1
  launch "$dir"
}

stop() {
  local dir="$1"
  [ -f "$dir/pid" ] || return 0
  local pid
  pid="$(cat "$dir/pid")"
  kill "$pid" 2>/dev/null || true
  for _ in $(seq 1 80); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.25
  done
  kill -9 "$pid" 2>/dev/null || true
  rm -f "$dir/pid"
}

case "${1:-}" in
  fetch) fetch ;;
  start) start "${2:?usage: broker.sh start DIR}" ;;
  stop) stop "${2:?usage: broker.sh stop DIR}" ;;
  restart) stop "${2:?}"; launch "$2" ;;
  *) echo "usage: broker.sh fetch|start DIR|stop DIR|restart DIR" >&2; exit 2 ;;
esac
