# Ablation: PFR alone (lambda_pfr 0.004), no discriminator; the paper's
# recipe otherwise.
_base_ = './pfr-adv_deeplabv2-r101v1c_1xb1-150k_gta2cityscapes-1280x720.py'
model = dict(terms=dict(adv=None))
