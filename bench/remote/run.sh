#!/usr/bin/env bash
# The remote cache against a local nginx (scripts/nginx-webdav.sh), side by side with curl in one
# run: (1) upload of a 1 GiB artifact (`xstilts cache push`) against `curl -T` of the same file,
# (2) its download, verified and published (`xstilts cache pull` into an empty cache) against
# `curl -o`, (3) a no-op run of a 1,000-node pipeline with an empty local cache and a full remote
# (manifests only) against the same run on a warm local cache, with the bytes each moved.
# Usage: bench/remote/run.sh BUILD_DIR [MiB]
set -euo pipefail
build=$(realpath "${1:-build}"); mib=${2:-1024}
root=$(cd "$(dirname "$0")/../.." && pwd)
bin="$build/cli/xstilts"
work=$(mktemp -d); port=$((20000 + RANDOM % 20000))
trap '"$root/scripts/nginx-webdav.sh" stop "$work/server"; rm -rf "$work"' EXIT
"$root/scripts/nginx-webdav.sh" start "$work/server" "$port" "bench:pw"
url="http://bench:pw@127.0.0.1:$port/cache"
now() { date +%s.%N; }
secs() { echo "$2 - $1" | bc -l; }
cd "$work"

cat > big.yaml <<YAML
nodes:
  big:
    type: exec
    params: {cmd: ["sh", "-c", "head -c ${mib}M /dev/urandom > \$XSTILTS_OUT/big.bin"]}
YAML
"$bin" run big.yaml --cache local_a > /dev/null 2>&1
blob=$(find local_a/entries -name out.h5)
bytes=$(stat -c %s "$blob")

t0=$(now); "$bin" cache push big.yaml --cache local_a --remote "$url" > /dev/null; t1=$(now)
xs_up=$(secs "$t0" "$t1")
t0=$(now); curl -s -f -T "$blob" "$url/curl/upload.bin" -o /dev/null; t1=$(now)
curl_up=$(secs "$t0" "$t1")
sync
t0=$(now); "$bin" cache pull big.yaml --cache local_b --remote "$url" > /dev/null; t1=$(now)
xs_down=$(secs "$t0" "$t1")
sha=$(sha256sum "$blob" | cut -c1-64)
t0=$(now); curl -s -f -o curl_copy.bin "$url/cas/$sha"; t1=$(now)
curl_down=$(secs "$t0" "$t1")
rm -f curl_copy2.bin; sync
# Like for like: xstilts also makes the bytes durable (fsync) before it publishes them.
t0=$(now); curl -s -f -o curl_copy2.bin "$url/cas/$sha" && sync curl_copy2.bin; t1=$(now)
curl_down_sync=$(secs "$t0" "$t1")
cmp -s curl_copy.bin "$(find local_b/entries -name out.h5)" || { echo "pulled bytes differ" >&2; exit 1; }

mbps() { echo "$bytes / 1048576 / $1" | bc -l; }
printf '%.0f MiB artifact, nginx on 127.0.0.1 (%d cores)\n' "$(echo "$bytes / 1048576" | bc -l)" "$(nproc)"
printf '%-44s %10s %10s %7s\n' "" "xstilts" "curl" "ratio"
printf '%-44s %8.0f MiB/s %6.0f MiB/s %6.2fx\n' "upload (cache push vs curl -T)" "$(mbps "$xs_up")" "$(mbps "$curl_up")" "$(echo "$curl_up / $xs_up" | bc -l)"
printf '%-44s %8.0f MiB/s %6.0f MiB/s %6.2fx\n' "download, verified (cache pull vs curl -o)" "$(mbps "$xs_down")" "$(mbps "$curl_down")" "$(echo "$curl_down / $xs_down" | bc -l)"
printf '%-44s %8.0f MiB/s %6.0f MiB/s %6.2fx\n' "  the same against curl -o + sync" "$(mbps "$xs_down")" "$(mbps "$curl_down_sync")" "$(echo "$curl_down_sync / $xs_down" | bc -l)"

# A no-op run of 1,000 nodes from the remote alone, against the same run on a warm local cache.
/usr/bin/python3 "$root/bench/pipeline/make_dag.py" 1000 dag > /dev/null
"$bin" run dag/dag.yaml --cache dag_a --remote "$url" -j "$(nproc)" > /dev/null 2>&1
log_before=$(wc -l < server/access.log)
t0=$(now); "$bin" run dag/dag.yaml --cache dag_b --remote "$url" > /dev/null 2>&1; t1=$(now)
remote_noop=$(secs "$t0" "$t1")
moved=$(tail -n +"$((log_before + 1))" server/access.log | awk '{n++; b += $4} END {printf "%d requests, %d bytes", n, b}')
blobs=$(tail -n +"$((log_before + 1))" server/access.log | grep -c '^GET /cache/cas/' || true)
t0=$(now); "$bin" run dag/dag.yaml --cache dag_a > /dev/null 2>&1; t1=$(now)
local_noop=$(secs "$t0" "$t1")
printf '%-44s %9.2fs (%s, %d blob downloads)\n' "no-op run, 1000 nodes, empty local + remote" "$remote_noop" "$moved" "$blobs"
printf '%-44s %9.2fs\n' "no-op run, 1000 nodes, warm local cache" "$local_noop"
