# PFR (lambda_pfr 0.004) + self-training (lambda_st 1) on AdaptSegNet's
# network and data protocol; no discriminator (add it with
# --cfg-options model.lambda_adv=0.002 and the D of
# pfr-adv_deeplabv2-r101-caffe-coco_...).
_base_ = './st_deeplabv2-r101-caffe-coco_1xb1-150k_gta2cityscapes-1280x720.py'
model = dict(terms=dict(pfr=_base_.pfr))
