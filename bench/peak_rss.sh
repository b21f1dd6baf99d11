#!/usr/bin/env bash
# Runs a command and reports the peak resident memory of its whole process tree (the command and
# every process it starts, e.g. vapo train's schema-registry JVM), sampled from /proc every 0.5 s,
# as well as the peak of the largest single process.
#   bench/peak_rss.sh ./vapo train --seed 1
# Prints "peak RSS: tree N MiB, largest process M MiB (pid, command)" on stderr when the command ends.
set -uo pipefail
"$@" &
root=$!
peak_tree=0; peak_one=0; peak_cmd=""
tree() {
  local pids=("$1") i=0
  while (( i < ${#pids[@]} )); do
    local kids
    kids=$(cat /proc/"${pids[$i]}"/task/*/children 2>/dev/null)
    for k in $kids; do pids+=("$k"); done
    i=$((i + 1))
  done
  echo "${pids[@]}"
}
while kill -0 "$root" 2>/dev/null; do
  total=0
  for p in $(tree "$root"); do
    kb=$(awk '/^VmRSS:/ {print $2}' /proc/"$p"/status 2>/dev/null)
    [[ -z "$kb" ]] && continue
    total=$((total + kb))
    if (( kb > peak_one )); then
      peak_one=$kb; peak_cmd="$p $(tr '\0' ' ' < /proc/"$p"/cmdline 2>/dev/null | awk '{print $1, $NF}')"
    fi
  done
  (( total > peak_tree )) && peak_tree=$total
  sleep 0.5
done
wait "$root"; rc=$?
echo "peak RSS: tree $((peak_tree / 1024)) MiB, largest process $((peak_one / 1024)) MiB ($peak_cmd)" >&2
exit $rc
