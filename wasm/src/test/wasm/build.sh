#!/usr/bin/env bash
# Rebuilds the test plugins next to their sources, byte for byte. Tests load the committed .wasm
# files, so neither CI nor a developer needs these tools unless a source changes.
#   WAT: wat2wasm from Debian's wabt 1.0.32 (apt-get install -y wabt)
#   C:   clang-19 and wasm-ld-19 (apt-get install -y clang-19 lld-19), no libc
#   Rust: Debian's rustc 1.63 with the wasm32-wasi standard library
#        (apt-get install -y rustc libstd-rust-dev-wasm32), no crates; /usr/bin/rustc on purpose
#   AssemblyScript: node and npm; assemblyscript 0.14.13 and @solo-io/proxy-runtime 0.1.8 from
#        npm, pinned by as/package-lock.json
set -euo pipefail
cd "$(dirname "$0")"

for src in wat/*.wat; do
  wat2wasm "$src" -o "${src%.wat}.wasm"
done

if [ -d c ]; then
  for src in c/*.c; do
    clang-19 --target=wasm32-wasi -O2 -nostdlib -ffreestanding -fno-builtin \
      -Wl,--no-entry -Wl,--export-dynamic -Wl,--strip-all -Wl,-z,stack-size=65536 \
      -fuse-ld=lld -o "${src%.c}.wasm" "$src"
  done
fi

for src in rust/*.rs; do
  (cd rust && /usr/bin/rustc --edition 2021 --crate-type cdylib --target wasm32-wasi -C opt-level=2 \
    -C strip=symbols -C panic=abort -o "$(basename "${src%.rs}").wasm" "$(basename "$src")")
done

if [ -d as ]; then
  (cd as && npm ci --no-audit --no-fund --silent \
    && ./node_modules/.bin/asc assembly/index.ts -b as-headers.wasm --use abort=abort_proc_exit --optimize)
fi

sha256sum wat/*.wasm c/*.wasm rust/*.wasm as/*.wasm > SHA256SUMS
