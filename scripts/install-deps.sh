#!/usr/bin/env bash
# Installs the Debian 12 packages xstilts needs to build and test, if any are missing.
# Usage: scripts/install-deps.sh [--bench | --fuzz]   (--bench adds the peers the benchmarks compare
# with, --fuzz clang and libFuzzer)
set -euo pipefail

packages=(
  cmake ninja-build g++ pkg-config make
  libtbb-dev libtorch-dev libsentencepiece-dev sentencepiece libhdf5-dev libyaml-cpp-dev
  libopenblas0-pthread libcli11-dev nlohmann-json3-dev libfmt-dev libspdlog-dev
  libcurl4-openssl-dev libssl-dev libgtest-dev libbenchmark-dev libarchive-dev
  gettext iso-codes   # message catalogs the embedded demo's intermediate tasks read
  graphviz python3-h5py chromium   # tests render `graph --format dot`, run the docs' h5py code, load report.html
  nginx                            # the remote cache's tests serve a WebDAV cache (scripts/nginx-webdav.sh)
  slurm-wlm munge                  # the Slurm executor's tests run a one-node cluster (scripts/slurm-cluster.sh)
)
if [[ "${1:-}" == "--bench" ]]; then
  packages+=(python3-torch python3-sentencepiece snakemake bc)
fi
if [[ "${1:-}" == "--fuzz" ]]; then
  packages+=(clang libclang-rt-14-dev)  # libFuzzer and the sanitizer runtimes for clang
fi

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[[ ${#missing[@]} -eq 0 ]] && exit 0

echo "xstilts: installing ${#missing[@]} missing Debian packages: ${missing[*]}" >&2
sudo=""
if [[ $(id -u) -ne 0 ]]; then sudo="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
