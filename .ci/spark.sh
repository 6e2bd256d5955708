#!/usr/bin/env bash
# CI: a real local Spark for the `slow` engine tests (tests/engines). Installs Debian's
# OpenJDK 17 only when no Java runtime is present, then pyspark (the `spark` extra).
set -euo pipefail
cd "$(dirname "$0")/.."
if ! command -v java >/dev/null 2>&1; then
  if command -v apt-get >/dev/null 2>&1; then
    SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends openjdk-17-jre-headless
  else
    echo "spark.sh: no java and no apt-get; install a Java 17 runtime" >&2
    exit 1
  fi
fi
java -version 2>&1 | head -1
python -m pip install -q -e ".[spark]"
