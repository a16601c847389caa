#!/usr/bin/env bash
# Assembles the local Kafka broker's classpath under .cache/kafka/<version>/lib from Maven Central (pom.xml).
# Idempotent and offline once done: it re-resolves only when pom.xml changes (Maven's own ~/.m2 cache makes a
# re-resolve fast too). Installs Java and Maven through apt when they are missing.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../../.." && pwd)"
version="$(sed -n 's:.*<kafka.version>\(.*\)</kafka.version>.*:\1:p' "$here/pom.xml")"
lib="$root/.cache/kafka/$version/lib"
stamp="$lib/.pom.sha256"
want="$(sha256sum "$here/pom.xml" | cut -d' ' -f1)"
[ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ] && exit 0

missing=()
command -v java >/dev/null || missing+=(openjdk-17-jre-headless)
command -v mvn >/dev/null || missing+=(maven)
if ((${#missing[@]})); then
  if [ "$(id -u)" -ne 0 ]; then
    echo "kafka: ${missing[*]} missing; run as root or install them with apt-get" >&2
    exit 1
  fi
  echo "kafka: apt-get install ${missing[*]}" >&2
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
fi

echo "kafka: resolving Apache Kafka $version from Maven Central into ${lib#"$root"/}" >&2
rm -rf "$lib.tmp"
mvn -q -B -Dstyle.color=never -f "$here/pom.xml" dependency:copy-dependencies -DincludeScope=runtime -DoutputDirectory="$lib.tmp" >&2
rm -rf "$lib"
mv "$lib.tmp" "$lib"
echo "$want" > "$stamp"
