#!/usr/bin/env bash
# Runs one measurement program of scripts/probes/ (single-file Java, launched from source) on the built project,
# with the environment bin/retouch sets. Usage: scripts/probe.sh NAME [args…]   e.g. scripts/probe.sh TrainStepParts
# The numbers docs/EVALUATION.md quotes from these name the probe and its arguments.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
"$here/bin/retouch" --version >/dev/null   # builds the project when sources changed
classes=""
for m in core data diffusion edit eval cli; do classes="$classes:$here/retouch-$m/target/classes"; done
export OMP_WAIT_POLICY="${OMP_WAIT_POLICY:-PASSIVE}"
export MALLOC_MMAP_THRESHOLD_="${MALLOC_MMAP_THRESHOLD_:-33554432}"
export MALLOC_TRIM_THRESHOLD_="${MALLOC_TRIM_THRESHOLD_:-1073741824}"
export MALLOC_TOP_PAD_="${MALLOC_TOP_PAD_:-268435456}"
name="$1"; shift
exec java -Xss4m -Dretouch.home="$here" -cp "${classes#:}:$(cat "$here/retouch-cli/target/classpath.txt")" \
  "$here/scripts/probes/$name.java" "$@"
