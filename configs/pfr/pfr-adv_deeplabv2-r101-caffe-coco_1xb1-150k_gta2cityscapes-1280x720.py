# The paper's experiment on AdaptSegNet's own network: the caffe-style
# ResNet-101 DeepLab-v2 initialised from the COCO-pretrained DeepLab (which
# AdaptSegNet and CLAN start from, about +1.4 mIoU over ImageNet weights).
# Make the weights first (docs/pretrained_weights.md):
#   python tools/model_converters/deeplab_coco2mmseg.py \
#       DeepLab_resnet_pretrained_init-f81d91e8.pth \
#       pretrain/deeplabv2_r101-caffe_coco.pth
_base_ = [
    '../_base_/models/deeplabv2_r101-caffe.py',
    '../_base_/datasets/uda_gta_to_cityscapes.py',
    '../_base_/uda/terms.py',
    '../_base_/schedules/adaptsegnet_150k.py',
    '../_base_/default_runtime.py',
]
model = dict(_base_.pfr_adv, _delete_=True, segmentor=_base_.model)
