#!/usr/bin/env bash
# Builds .cache/bin/mock-kafka: librdkafka's mock cluster as a standalone broker (see INFRA.md).
# librdkafka 2.15.1 comes from the source bundled in the npm tarball of @confluentinc/kafka-javascript,
# since the npm registry is the only source reachable here. Idempotent and safe to run concurrently.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd)"
SRC="$ROOT/tools/local-stack/native/mock-kafka.c"
CACHE="$ROOT/.cache"
BIN="$CACHE/bin/mock-kafka"
PKG="@confluentinc/kafka-javascript@1.10.1"
TGZ="$CACHE/confluentinc-kafka-javascript-1.10.1.tgz"
RDK="$CACHE/librdkafka-2.15.1"

say() { echo "[mock-kafka] $*"; }

# The mock keeps 5 MiB per partition and drops older record batches: a consumer further behind than that loses
# records (kafkajs logs "Offset out of range"). That is about a second of the raw topic at 15k events/s, so the
# source is built with a larger cap (held in memory, per partition). Real Kafka keeps what its retention says.
MOCK_PARTITION_BYTES=$((64 * 1024 * 1024))
MARK="$CACHE/mock-kafka.partition-bytes"

up_to_date() { [[ -x "$BIN" && "$BIN" -nt "$SRC" && "$(cat "$MARK" 2>/dev/null)" == "$MOCK_PARTITION_BYTES" ]]; }

if up_to_date; then exit 0; fi

mkdir -p "$CACHE/bin"
# Two test workers or a setup run may race here; one builds, the other waits and then finds it built.
exec 9>"$CACHE/mock-kafka.lock"
flock 9
if up_to_date; then exit 0; fi

if [[ ! -f /usr/include/zlib.h ]]; then
  say "zlib headers missing; installing zlib1g-dev"
  if [[ $(id -u) -eq 0 ]]; then
    apt-get update -qq && apt-get install -y -qq zlib1g-dev >/dev/null
  else
    say "run: sudo apt-get install -y zlib1g-dev"; exit 1
  fi
fi

if [[ ! -f "$RDK/src/librdkafka.a" ]]; then
  if [[ ! -f "$TGZ" ]]; then
    say "fetching $PKG (for its bundled librdkafka source)"
    (cd "$CACHE" && npm pack "$PKG" --silent >/dev/null)
  fi
  say "extracting librdkafka source"
  rm -rf "$RDK" "$CACHE/rdk-extract"
  mkdir -p "$CACHE/rdk-extract"
  tar -xzf "$TGZ" -C "$CACHE/rdk-extract" package/deps/librdkafka
  mv "$CACHE/rdk-extract/package/deps/librdkafka" "$RDK"
  rm -rf "$CACHE/rdk-extract"

  say "configuring librdkafka (minimal: no TLS/SASL/curl/zstd)"
  (cd "$RDK" && ./configure --disable-ssl --disable-gssapi --disable-sasl --disable-curl --disable-zstd \
      --disable-lz4-ext --disable-regex-ext --disable-syslog >"$CACHE/librdkafka-configure.log" 2>&1) \
    || { tail -n 30 "$CACHE/librdkafka-configure.log"; exit 1; }
fi

# Idempotent: sets the cap whatever it was (5 MiB as shipped, or an earlier build's value).
sed -i -E "s/mpart->max_size = [^;]+;/mpart->max_size = $MOCK_PARTITION_BYTES;/" "$RDK/src/rdkafka_mock.c"
grep -q "mpart->max_size = $MOCK_PARTITION_BYTES;" "$RDK/src/rdkafka_mock.c" \
  || { say "could not set the mock's per-partition cap in $RDK/src/rdkafka_mock.c"; exit 1; }
if [[ ! -f "$RDK/src/librdkafka.a" || "$RDK/src/rdkafka_mock.c" -nt "$RDK/src/librdkafka.a" ]]; then
  say "compiling librdkafka (about a minute the first time)"
  (cd "$RDK" && make -j"$(nproc 2>/dev/null || echo 2)" libs >"$CACHE/librdkafka-make.log" 2>&1) \
    || { tail -n 30 "$CACHE/librdkafka-make.log"; exit 1; }
fi

say "linking $BIN"
TMP="$BIN.tmp.$$"
cc -O2 -Wall -o "$TMP" "$SRC" -I"$RDK/src" "$RDK/src/librdkafka.a" -lpthread -lz -lm -ldl -lrt
mv -f "$TMP" "$BIN"
echo "$MOCK_PARTITION_BYTES" >"$MARK"
say "built (mock keeps $((MOCK_PARTITION_BYTES / 1024 / 1024)) MiB per partition)"
