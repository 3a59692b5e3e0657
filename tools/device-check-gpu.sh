#!/usr/bin/env bash
# Device check of @phaseflow/gpu: the throughput bench (packages/gpu/bench/index.mjs) on a machine
# with an NVIDIA GPU, through gpu.js's webgpu backend in Node (the `webgpu` package, Dawn, on
# Vulkan), next to webasm on the same machine's CPU. CI never runs it; it has not been run yet.
#
#   tools/device-check-gpu.sh prepare   here: build, then bundle what the bench needs into
#                                        .device-gpu/ (git-ignored through .git/info/exclude):
#                                        the built @phaseflow packages it imports, gpu.js, and a
#                                        `webgpu` package (PHASEFLOW_WEBGPU_MODULE=<folder of an
#                                        installed webgpu package>, else the 0.2.9 gpu.js pins,
#                                        linux-x64 binary only)
#   tools/device-check-gpu.sh run       on the device (no network there), with .device-gpu (and
#                                        .gl, the Vulkan loader .debs, when the image lacks them)
#                                        carried: writes $OUT/gpu-bench.json, $OUT/gpu-bench.err,
#                                        $OUT/gpu.txt
#
# webgpu 0.2.9 needs libstdc++ with GLIBCXX_3.4.32 (it does not load on Debian 12); the bench then
# records the reason under "webgpu" and measures webasm alone.
set -uo pipefail
cd "$(dirname "$0")/.."
bundle=.device-gpu
mode=${1:-}

case "$mode" in
prepare)
  NX_DAEMON=false npx nx run-many -t build -p @phaseflow/gpu @phaseflow/nn64 --output-style=static --skip-sync >/dev/null || exit 1
  rm -rf "$bundle"
  mkdir -p "$bundle/node_modules/@phaseflow" "$bundle/bench"
  for p in core gpu runge-kutta symplectic linalg nn64; do
    mkdir -p "$bundle/node_modules/@phaseflow/$p"
    cp "packages/$p/package.json" "$bundle/node_modules/@phaseflow/$p/"
    cp -r "packages/$p/dist" "$bundle/node_modules/@phaseflow/$p/"
  done
  cp -r node_modules/gpu.js node_modules/gpu-mock.js "$bundle/node_modules/"
  rm -rf "$bundle/node_modules/gpu.js/node_modules/webgpu"
  webgpu=${PHASEFLOW_WEBGPU_MODULE:-node_modules/webgpu}
  mkdir -p "$bundle/node_modules/webgpu/dist"
  cp "$webgpu/package.json" "$webgpu/index.js" "$bundle/node_modules/webgpu/"
  cp "$webgpu"/dist/linux-x64* "$bundle/node_modules/webgpu/dist/"
  cp packages/gpu/bench/*.mjs "$bundle/bench/"
  grep -qx "/$bundle/" .git/info/exclude 2>/dev/null || echo "/$bundle/" >>.git/info/exclude
  du -sh "$bundle"
  ;;
run)
  out=${OUT:-/tmp/phaseflow-device-gpu}
  mkdir -p "$out"
  [ -d "$bundle" ] || { echo "no $bundle here: run 'tools/device-check-gpu.sh prepare' first and carry $bundle" >&2; exit 1; }
  if [ -d .gl ]; then
    for f in .gl/*.deb; do dpkg -x "$f" /; done
    ldconfig
  fi
  [ -f /usr/local/nvidia/share/vulkan/icd.d/nvidia_icd.json ] && export VK_DRIVER_FILES=${VK_DRIVER_FILES:-/usr/local/nvidia/share/vulkan/icd.d/nvidia_icd.json}
  { nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv; node --version; ldconfig -p | grep -E 'libvulkan|libstdc\+\+' ; } >"$out/gpu.txt" 2>&1
  (cd "$bundle/bench" && node index.mjs --webgpu --backends webasm --sizes 1e3,1e4,1e5,1e6 --reps 3 --no-enkf) >"$out/gpu-bench.json" 2>"$out/gpu-bench.err"
  status=$?
  cat "$out/gpu.txt"
  tail -c 4000 "$out/gpu-bench.json"
  exit $status
  ;;
*)
  echo "usage: tools/device-check-gpu.sh prepare|run" >&2
  exit 2
  ;;
esac
