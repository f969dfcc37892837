# MIC(DAFormer) as in
# mic-daformer_daformerhead-mitb5_1xb2-40k_synthia2cityscapes-512x512.py,
# with mmseg's SegFormer (all-MLP) head on MiT-B5 in place of DAFormer's
# decoder (the option; daformer_segformer-mitb5_...). No paper's number.
_base_ = '../daformer/daformer_segformer-mitb5_1xb2-40k_synthia2cityscapes-512x512.py'  # noqa
model = dict(terms=dict(mic=_base_.mic))
