# The README's demo: PFR + output-space adversarial UDA with the paper's
# weights (lambda_adv 0.002, lambda_pfr 0.004) on the embedded synthetic
# GTA5 -> Cityscapes benchmark: a toy DeepLab-v2, fine-tuned on CPU from the
# shipped source-pretrained warm start (seed 0; how it is made:
# docs/synthetic_benchmark.md), as the paper fine-tunes a pretrained
# network; prints the per-class IoU on the synthetic target val at the end.
_base_ = [
    '../_base_/models/deeplabv2_r18-gn_tiny.py',
    '../_base_/datasets/uda_synthetic.py',
    '../_base_/uda/terms.py',
    '../_base_/schedules/demo_cpu.py',
    '../_base_/default_runtime.py',
]
# D at the network's scale: AdaptSegNet pairs ndf=64 with a ResNet of base
# width 64; this ResNet has base width 16, and at ndf=64 D alone would cost
# several times the segmentor.
model = dict(
    _base_.source_only,
    _delete_=True,
    segmentor=_base_.model,
    terms=dict(
        adv=dict(
            _base_.adv, discriminator=dict(type='FCDiscriminator', ndf=16)
        ),
        pfr=_base_.pfr,
    ),
)
# The benchmark's pretrained start of seed 0 (weights only, 3 MB), found
# from this file's folder whatever the working directory; the benchmark
# gives each seed its own with --cfg-options load_from=...
load_from = '{{ fileDirname }}/../../checkpoints/demo/warm-start_deeplabv2-r18gn_synthetic-source_seed0.pth'  # noqa
