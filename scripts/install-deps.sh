#!/usr/bin/env bash
# Installs the Debian packages fleetsim builds and tests with, if any is missing.
set -euo pipefail
packages=(cmake ninja-build g++ pkg-config
  libboost-dev libboost-graph-dev libboost-program-options-dev libboost-math-dev
  libeigen3-dev nlohmann-json3-dev catch2 libbenchmark-dev libssl-dev openssl
  nginx haproxy wrk openmpi-bin libboost-mpi-dev clang libclang-rt-14-dev
  gnuplot-nox chromium)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "installing: ${missing[*]}" >&2
  sudo=""
  [ "$(id -u)" -ne 0 ] && sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
