#!/usr/bin/env bash
# One prepared call on a lent GPU: our training step beside the plain-PyTorch
# anchor (same network, crops and card), TF32 and bf16, for the paper's
# setting (ResNet-101, 1280x720 + 1024x512, batch 1); about 2 minutes.
#
#   bash tools/analysis/gpu_benchmark.sh [OUT_DIR]
#
# Writes OUT_DIR/benchmarks_gpu.md (default docs/) with the card, the
# versions and the date. On the device tool's machine (torch, no network):
# carry .bench/gpu_anchor.py and the wheels of mmengine, mmcv-lite,
# mmsegmentation, addict, yapf, termcolor, prettytable, wcwidth,
# platformdirs, ftfy and regex in .whl (see docs/benchmarks.md).
set -euo pipefail
cd "$(dirname "$0")/../.."
out=${1:-docs}
if [ -d .whl ]; then
    python3 -m pip install -q --no-index --no-deps --no-compile \
        --no-cache-dir --upgrade --target /tmp/site .whl/*.whl
    export PYTHONPATH=/tmp/site
fi
export PYTHONPATH=.:${PYTHONPATH:-} PYTHONUNBUFFERED=1
nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv
python3 tools/analysis/compare_with_anchor.py \
    --anchor "${ANCHOR:-.bench/gpu_anchor.py}" --device cuda \
    --amp fp32 bf16 --iters 15 --warmup 5 \
    --out-md "$out/benchmarks_gpu.md"
