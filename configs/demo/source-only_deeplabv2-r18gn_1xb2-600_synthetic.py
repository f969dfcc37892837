# Benchmark row: no adaptation (the target is never forwarded).
_base_ = './pfr-adv_deeplabv2-r18gn_1xb2-600_synthetic.py'
model = dict(terms=dict(adv=None, pfr=None))
# No loss uses a target image: the data loader loads none.
train_dataloader = dict(dataset=dict(target=None))
