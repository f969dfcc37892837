# Benchmark row (protocol v3; docs/uda_recipe.md): self-training with
# DAFormer's rare-class sampling of the source (_base_/recipe_pieces.py);
# the source crop becomes RareClassRandomCrop (RandomCrop's arguments),
# which re-draws it until the drawn class is in it.
_base_ = [
    './st_deeplabv2-r18gn_1xb2-5000_synthetic-128x128.py',
    './_base_/recipe_pieces.py',
]
rare_class_crop_pipeline = [
    dict(step, type='RareClassRandomCrop')
    if step['type'] == 'RandomCrop' else step
    for step in _base_.source_crop_pipeline
]  # fmt: skip
train_dataloader = dict(
    dataset=dict(
        source=dict(pipeline=rare_class_crop_pipeline),
        rare_class_sampling=_base_.rare_class_sampling,
    )
)
