#!/usr/bin/env bash
# GPU check: runs the headless cutout over photos with CUDA and with the CPU
# and prints each image's model time. The CUDA session runs the model once
# when it opens (warm-up), so every printed time is a steady-state run.
#
#   make headless        # build/cutout-headless: no GUI, stripped
#   CUTOUT_CACHE=DIR MODEL=small .ci/gpu-check.sh build/cutout-headless PHOTO_DIR [ORT_LIB]
#
# DIR/models/isnet-MODEL.onnx must exist (make assets puts it in the cache).
# ORT_LIB defaults to the CUDA build in the cache (make gpu), else the
# library of an installed onnxruntime-gpu Python wheel (its capi folder).
set -euo pipefail
bin=$1 photos=$2 lib=${3:-} model=${MODEL:-medium}
cache=${CUTOUT_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/cutout}
if [ -z "$lib" ] && [ -e "$cache/ort-gpu-1.29.0/libonnxruntime.so" ]; then
  lib=$cache/ort-gpu-1.29.0/libonnxruntime.so
fi
if [ -z "$lib" ]; then
  lib=$(python3 -c 'import glob, os, sys, onnxruntime as o
print("python onnxruntime", o.__version__, o.get_available_providers(), file=sys.stderr)
libs = sorted(glob.glob(os.path.join(os.path.dirname(o.__file__), "capi", "libonnxruntime.so*")), key=len)
print(libs[-1] if libs else "")') || true
fi
[ -n "$lib" ] || { echo "no CUDA-enabled ONNX Runtime found: run make gpu, or pip install onnxruntime-gpu"; exit 1; }
echo "library: $lib"
nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader 2>/dev/null || true
for dev in gpu cpu; do
  out=$(mktemp -d)
  echo "== $dev, model only (--no-refine)"
  "$bin" remove --$dev --model "$model" --ort-lib "$lib" --no-refine -o "$out" "$photos" 2>&1 || true
  rm -rf "$out"; out=$(mktemp -d)
  echo "== $dev, whole pipeline"
  "$bin" remove --$dev --model "$model" --ort-lib "$lib" -o "$out" "$photos" 2>&1 || true
  rm -rf "$out"
done
