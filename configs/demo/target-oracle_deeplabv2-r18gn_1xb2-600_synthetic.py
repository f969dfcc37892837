# Benchmark row, the upper bound: trained on labelled target images (the
# target train split with its labels as the "source"), no adaptation.
_base_ = './pfr-adv_deeplabv2-r18gn_1xb2-600_synthetic.py'
model = dict(terms=dict(adv=None, pfr=None))
# No loss uses a target image: the data loader loads none.
train_dataloader = dict(
    dataset=dict(
        target=None,
        source=dict(
            _base_.target_train,
            pipeline=[
                dict(type='LoadImageFromFile'),
                dict(type='LoadAnnotations'),
                dict(type='PackSegInputs'),
            ],
        ),
    )
)
