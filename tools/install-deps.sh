#!/usr/bin/env bash
# Installs what payledger builds and tests with, from Debian's packages, and any packages named
# as arguments (tools/bench/run.sh adds its own). Idempotent: asks apt only for what is missing.
set -euo pipefail
packages=(
  build-essential cmake ninja-build pkg-config git
  librocksdb-dev libsimdjson-dev libcpp-httplib-dev prometheus-cpp-dev doctest-dev
  libssl-dev libcurl4-openssl-dev libcli11-dev libspdlog-dev libfmt-dev nlohmann-json3-dev rapidjson-dev
  clang-format clang-tidy curl jq
  librdkafka-dev kcat python3 python3-jsonschema python3-yaml
  "$@"
)
# The Kafka broker of tools/kafka runs on a JVM and is fetched with Maven.
command -v java >/dev/null 2>&1 || packages+=(default-jre-headless)
command -v mvn >/dev/null 2>&1 || packages+=(maven)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  sudo=""
  if [ "$(id -u)" -ne 0 ]; then sudo="sudo"; fi
  echo "installing: ${missing[*]}"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi
