# PFR + adversarial on a ResNet-50 DeepLab-v2 (same stages: conv2_x..conv5_x
# give 256/512/1024/2048 channels as in ResNet-101, so PFR's stages and
# weights carry over unchanged); the paper's recipe otherwise.
_base_ = './pfr-adv_deeplabv2-r101v1c_1xb1-150k_gta2cityscapes-1280x720.py'
model = dict(
    segmentor=dict(
        backbone=dict(
            depth=50,
            init_cfg=dict(
                type='Pretrained', checkpoint='open-mmlab://resnet50_v1c'
            ),
        )
    )
)
