# Benchmark row (protocol v3): no adaptation (the target is never
# forwarded); the model as in configs/demo/source-only_*.
_base_ = './pfr-adv_deeplabv2-r18gn_1xb2-5000_synthetic-128x128.py'
model = dict(terms=dict(adv=None, pfr=None))
# No loss uses a target image: the data loader loads none.
train_dataloader = dict(dataset=dict(target=None))
