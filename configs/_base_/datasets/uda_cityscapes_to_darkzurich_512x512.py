# Cityscapes -> Dark Zurich in DAFormer's data protocol (batch 2 of 512x512
# crops of Cityscapes at 1024x512 and Dark Zurich at 960x540;
# cityscapes_to_adverse.py), validated as uda_cityscapes_to_darkzurich.py.
_base_ = './uda_cityscapes_to_darkzurich.py'
train_dataloader = _base_.daformer_crops
