#!/usr/bin/env bash
# Installs what the project needs on a fresh Debian 12 machine, idempotently: system packages (as root), npm
# dependencies, and the local Apache Kafka broker's classpath from Maven Central. Called by `npm start`,
# `npm test` and `npm run bench`.
set -euo pipefail
cd "$(dirname "$0")/.."

missing=()
# Prometheus and promtool: the dashboard and alert-rule tests run them (test/integration/observability-*).
{ command -v prometheus && command -v promtool; } >/dev/null || missing+=(prometheus)
if ((${#missing[@]})); then
  if [ "$(id -u)" -ne 0 ]; then
    echo "setup: system packages missing (${missing[*]}); run as root or install them with apt-get" >&2
    exit 1
  fi
  echo "setup: apt-get install ${missing[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
fi

# `npm ci`: exactly the lockfile, which it never rewrites (a fresh clone stays clean). chdb lists per-platform
# optional packages the registry does not serve; the lockfile holds them with their os/cpu but no tarball, which
# is all `npm ci` needs to skip them on other platforms (see the Decisions in the README).
if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "setup: npm ci (the locked versions)"
  npm ci --no-audit --no-fund --loglevel=error
fi

# Real Apache Kafka (KRaft) for npm start, the tests and the benchmarks: Java and Maven through apt when
# missing, the broker's jars from Maven Central (cached under .cache/kafka).
bash tools/local-stack/kafka/install.sh
