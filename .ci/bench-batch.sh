#!/usr/bin/env bash
# Batch throughput on the CPU: N photos of 12 MP, processed
#   1. one at a time, a process per photo (how a script would call a tool),
#   2. in one process, one photo after another (--sequential),
#   3. in one process with decoding and finishing overlapping the model (default),
#   4. in one process with --low-memory (sequential, model memory handed back);
# then checks that all three wrote the same bytes.
#
#   make headless && .ci/bench-batch.sh build/cutout-headless [N]
set -euo pipefail
bin=$1 n=${2:-50}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
src=$(dirname "$0")/../assets/sample/astronaut.png
mkdir -p "$work/in"
for i in $(seq 1 "$n"); do
  # Different crops of the sample, scaled to 4000x3000, so no two are alike.
  x=$(( (i * 7) % 60 )); y=$(( (i * 11) % 60 ))
  convert "$src" -crop "452x339+$x+$y" +repage -resize '4000x3000!' -quality 92 "$work/in/photo-$i.jpg"
done
# secs runs a command and prints its wall time; its output goes to $work/log.
secs() { local t0 t1; t0=$(date +%s.%N); "$@" >>"$work/log" 2>&1 || true; t1=$(date +%s.%N); awk "BEGIN{print $t1 - $t0}"; }
# peak prints the largest "peak memory" any cutout run reported since the log was cleared.
peak() { grep -o 'peak memory [0-9]* MiB' "$work/log" | awk '$3 > m {m = $3} END {print m " MiB"}'; : >"$work/log"; }
calc() { awk "BEGIN{print $1}"; }
one_by_one() { for f in "$work"/in/*.jpg; do "$bin" remove --cpu -q -o "$work/a" "$f"; done; }
: >"$work/log"
a=$(secs one_by_one); pa=$(peak)
b=$(secs "$bin" remove --cpu -q --sequential -o "$work/b" "$work/in"); pb=$(peak)
c=$(secs "$bin" remove --cpu -q -o "$work/c" "$work/in"); pc=$(peak)
d=$(secs "$bin" remove --cpu -q --low-memory -o "$work/d" "$work/in"); pd=$(peak)
same=yes
for f in "$work"/a/*.png; do
  cmp -s "$f" "$work/b/$(basename "$f")" && cmp -s "$f" "$work/c/$(basename "$f")" && cmp -s "$f" "$work/d/$(basename "$f")" || same=no
done
printf '%-40s %10s %12s %8s %12s\n' mode seconds photos/min speedup "peak memory"
printf '%-40s %10.1f %12.2f %8.2f %12s\n' "one process per photo" "$a" "$(calc "60*$n/$a")" 1 "$pa"
printf '%-40s %10.1f %12.2f %8.2f %12s\n' "one process, sequential (--sequential)" "$b" "$(calc "60*$n/$b")" "$(calc "$a/$b")" "$pb"
printf '%-40s %10.1f %12.2f %8.2f %12s\n' "one process, overlapped (default)" "$c" "$(calc "60*$n/$c")" "$(calc "$a/$c")" "$pc"
printf '%-40s %10.1f %12.2f %8.2f %12s\n' "one process, --low-memory" "$d" "$(calc "60*$n/$d")" "$(calc "$a/$d")" "$pd"
echo "outputs identical byte for byte: $same ($(ls "$work/a" | wc -l) files)"
