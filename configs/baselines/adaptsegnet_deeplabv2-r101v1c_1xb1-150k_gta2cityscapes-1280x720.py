# Baseline: AdaptSegNet single-level, output-space adversarial learning only,
# lambda_adv 0.001 (their single-level setting), on the same network and
# schedule as our PFR runs. AdaptSegNet's released code effectively uses a
# two-branch classifier; decode_head dilations=(6, 12) reproduces it exactly
# (here all four branches, the same head as our PFR runs, for a fair
# comparison). Paper (multi-level, COCO weights): 42.4 mIoU.
_base_ = (
    '../pfr/pfr-adv_deeplabv2-r101v1c_1xb1-150k_gta2cityscapes-1280x720.py'
)
model = dict(terms=dict(adv=dict(weight=0.001), pfr=None))
