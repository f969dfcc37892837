#!/usr/bin/env bash
# Distributed training on GPUS processes per node with torchrun:
#   tools/dist_train.sh CONFIG GPUS [train.py options]
# Without CUDA it runs GPUS CPU processes with gloo (mmseg_pfr.compat.
# cpu_distributed), e.g. to try a config on a laptop.
# Many nodes: run it on each with NNODES, NODE_RANK, MASTER_ADDR (and PORT)
# set, e.g. NNODES=2 NODE_RANK=0 MASTER_ADDR=10.0.0.1 tools/dist_train.sh ...
set -euo pipefail
CONFIG=$1
GPUS=$2
NNODES=${NNODES:-1}
NODE_RANK=${NODE_RANK:-0}
PORT=${PORT:-29500}
MASTER_ADDR=${MASTER_ADDR:-127.0.0.1}

PYTHONPATH="$(dirname "$0")/..${PYTHONPATH:+:$PYTHONPATH}" \
torchrun \
    --nnodes="$NNODES" \
    --node_rank="$NODE_RANK" \
    --master_addr="$MASTER_ADDR" \
    --nproc_per_node="$GPUS" \
    --master_port="$PORT" \
    "$(dirname "$0")/train.py" "$CONFIG" --launcher pytorch "${@:3}"
