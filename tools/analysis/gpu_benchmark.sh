#!/usr/bin/env bash
# One prepared call on a lent GPU: our training step beside the plain-PyTorch
# anchor (same network, crops and card), TF32 and bf16, for the paper's
# setting (ResNet-101, 1280x720 + 1024x512, batch 1), then the compiled
# step; a few minutes.
#
#   bash tools/analysis/gpu_benchmark.sh [OUT_DIR]
#
# Writes OUT_DIR/benchmarks_gpu.md (default docs/) with the card, the
# versions and the date. On a GPU machine without network (torch only):
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
# The compiled step as rows of their own (the segmentor's training
# computation under torch.compile; dynamo's graph breaks and the graphs
# compiled after warm-up counted), the paper's config, fused and not.
paper=configs/pfr/pfr-adv_deeplabv2-r101-caffe-coco_1xb1-150k_gta2cityscapes-1280x720.py
for crops in "--crop 720 1280" ""; do
    # shellcheck disable=SC2086
    python3 tools/analysis/benchmark_uda_step.py "$paper" --device cuda \
        --amp fp32 bf16 --iters 15 --warmup 5 --compile losses $crops \
        --json "$out/benchmarks_gpu_compiled.jsonl"
done
