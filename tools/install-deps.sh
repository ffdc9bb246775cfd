#!/usr/bin/env bash
# Installs what payledger needs from Debian's packages. Idempotent: asks apt only for what is
# missing.
#   install-deps.sh [PACKAGE...]         what building and running payledgerd takes (README
#                                        command 1), and any packages named
#   install-deps.sh --test [PACKAGE...]  that, and what the test command adds: the linters, kcat,
#                                        the schema checker, and a JVM with Maven for the Kafka
#                                        broker of tools/kafka
set -euo pipefail
packages=(
  build-essential cmake ninja-build pkg-config git
  librocksdb-dev libsimdjson-dev libcpp-httplib-dev prometheus-cpp-dev doctest-dev
  libssl-dev libcurl4-openssl-dev libcli11-dev libspdlog-dev libfmt-dev nlohmann-json3-dev rapidjson-dev
  librdkafka-dev libboost1.81-dev curl jq python3 python3-yaml
)
if [ "${1:-}" = "--test" ]; then
  shift
  packages+=(clang-format clang-tidy kcat python3-jsonschema)
  command -v java >/dev/null 2>&1 || packages+=(default-jre-headless)
  command -v mvn >/dev/null 2>&1 || packages+=(maven)
fi
packages+=("$@")
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
