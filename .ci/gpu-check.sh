#!/usr/bin/env bash
# GPU check: runs the headless cutout over photos with CUDA and with the CPU,
# both models, and prints each photo's time by stage (--timings). The CUDA
# session runs the model once when it opens (warm-up), so every printed
# time is a steady-state run; the first photo of a batch also pays for the
# pipeline's own start, so read the later ones.
#
#   make headless        # build/cutout-headless: no GUI, stripped
#   CUTOUT_CACHE=DIR .ci/gpu-check.sh build/cutout-headless PHOTO_DIR [ORT_LIB]
#
# DIR/models/isnet-medium.onnx and isnet-small.onnx must exist (make assets
# puts them in the cache; MODELS="medium" checks one, DEVICES="gpu" skips
# the CPU). ORT_LIB defaults to
# the CUDA build in the cache (make gpu), else the library of an installed
# onnxruntime-gpu Python wheel (its capi folder). CUDA 13 and cuDNN 9 must
# be on the library path; the NVIDIA Python wheels' lib folders serve.
set -euo pipefail
bin=$1 photos=$2 lib=${3:-} models=${MODELS:-medium small} devices=${DEVICES:-gpu cpu}
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
nproc
for model in $models; do
  for dev in $devices; do
    for refine in --no-refine ""; do
      out=$(mktemp -d)
      echo "== $model on $dev ${refine:-(whole pipeline)}"
      "$bin" remove --$dev --model "$model" --ort-lib "$lib" $refine --timings -o "$out" "$photos" 2>&1 || true
      rm -rf "$out"
    done
  done
done
