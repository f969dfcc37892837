"""DAFormerHead: DAFormer's context-aware fusion decoder, against the
authors' module.

The fixture ``tests/fixtures/daformer_head_e6f6e04.pt`` holds the outputs
of ``DAFormerHead`` from ``lhoyer/DAFormer`` at commit
e6f6e041e7477b642106c134c1715fc934ccd210, file
``mmseg/models/decode_heads/daformer_head.py`` (with the ``ASPPModule``,
``DepthwiseSeparableASPPModule``, ``MLP`` and ``BaseDecodeHead`` of that
commit and mmcv 1.3.7's ``ConvModule`` / ``DepthwiseSeparableConvModule``,
DAFormer's pinned version, built without ops), built as
``configs/_base_/models/daformer_sepaspp_mitb5.py`` builds it at small
widths (stages of 3, 5, 7, 9 channels at 24x16 down to 3x2, embeddings and
fusion 8 channels, 5 classes, batch 2), every parameter and BN statistic
drawn at random. Recorded in a scratch folder: DAFormer's package modules
loaded file by file (its ``mmseg/models/__init__`` imports the UDA code),
``torchvision`` stubbed (mmcv.runner imports it for model-zoo URLs). Two
cases: DAFormer's decoder (``sepaspp``), and full 3x3 branches with the
image-pooling branch and a width per stage (``aspp_pool``: the other
options). Our head loads their state dicts with no key mapping.
"""

from pathlib import Path

import pytest
import torch
from mmcv.cnn import ConvModule, DepthwiseSeparableConvModule
from mmseg.registry import MODELS

FIXTURE = Path(__file__).parents[1] / 'fixtures' / 'daformer_head_e6f6e04.pt'


@pytest.fixture(scope='module')
def recorded() -> dict:
    return torch.load(FIXTURE, weights_only=True)


def build(**kwargs):
    cfg = dict(type='DAFormerHead', in_channels=[3, 5, 7, 9], num_classes=5)
    return MODELS.build({**cfg, **kwargs})


def ours_with_their_weights(recorded: dict, case: str):
    """Our head with the options and weights of a recorded case."""
    options = recorded['cases'][case]['options']
    head = build(
        channels=recorded['channels'],
        embed_dims=options['embed_dims'],
        dilations=options['dilations'],
        separable=options['sep'],
        pool=options['pool'],
    )
    head.load_state_dict(recorded['cases'][case]['state_dict'], strict=True)
    return head


def test_fixture_names_the_authors_code(recorded):
    assert recorded['repository'] == 'lhoyer/DAFormer'
    assert recorded['commit'].startswith('e6f6e04')
    assert recorded['file'] == 'mmseg/models/decode_heads/daformer_head.py'
    assert recorded['cases']['sepaspp']['options'] == dict(
        embed_dims=8, sep=True, dilations=[1, 6, 12, 18], pool=False
    )


@pytest.mark.parametrize('case', ['sepaspp', 'aspp_pool'])
def test_eval_mode_equals_daformers_head(recorded, case):
    head = ours_with_their_weights(recorded, case).eval()
    with torch.no_grad():
        out = head(recorded['cases'][case]['inputs'])
    assert out.shape == (2, 5, 24, 16)
    torch.testing.assert_close(out, recorded['cases'][case]['eval_out'])


@pytest.mark.parametrize('case', ['sepaspp', 'aspp_pool'])
def test_train_mode_equals_daformers_head(recorded, case):
    """Batch statistics in every BN and the running statistics they leave;
    dropout (BaseDecodeHead's, a random draw) off in both."""
    head = ours_with_their_weights(recorded, case).train()
    head.dropout.eval()
    with torch.no_grad():
        out = head(recorded['cases'][case]['inputs'])
    torch.testing.assert_close(out, recorded['cases'][case]['train_out'])
    state = head.state_dict()
    after = recorded['cases'][case]['train_buffers_after']
    assert after and all('running' in k or 'num_batches' in k for k in after)
    for key, value in after.items():
        torch.testing.assert_close(state[key], value, msg=key)


def test_defaults_are_daformers():
    head = build(in_channels=[64, 128, 320, 512])
    assert head.channels == 256
    assert head.in_index == [0, 1, 2, 3]
    assert head.input_transform == 'multiple_select'
    assert not head.align_corners
    assert head.dropout.p == 0.1
    assert isinstance(head.dropout, torch.nn.Dropout2d)
    embeds = [head.embed_layers[str(i)].proj for i in range(4)]
    assert [(e.in_features, e.out_features) for e in embeds] == [
        (64, 256),
        (128, 256),
        (320, 256),
        (512, 256),
    ]
    fusion = head.fuse_layer
    assert fusion.image_pool is None
    first, *dilated = fusion.aspp_modules
    assert isinstance(first, ConvModule) and first.conv.kernel_size == (1, 1)
    assert first.conv.in_channels == 1024 and first.conv.out_channels == 256
    for branch, rate in zip(dilated, (6, 12, 18)):
        assert isinstance(branch, DepthwiseSeparableConvModule)
        conv = branch.depthwise_conv.conv
        assert conv.groups == 1024 and conv.dilation == (rate, rate)
        assert conv.padding == (rate, rate)
    assert fusion.bottleneck.conv.kernel_size == (3, 3)
    assert fusion.bottleneck.conv.in_channels == 4 * 256
    # Embeddings are linear maps alone; BN and ReLU after every
    # convolution of the fusion.
    kinds = {type(m).__name__ for m in head.embed_layers.modules()}
    assert kinds == {'ModuleDict', 'LinearEmbedding', 'Linear'}
    convs = [m for m in fusion.modules() if isinstance(m, ConvModule)]
    assert len(convs) == 1 + 2 * 3 + 1
    for conv in convs:
        assert isinstance(conv.norm, torch.nn.BatchNorm2d)
        assert isinstance(conv.activate, torch.nn.ReLU)
    assert head.conv_seg.in_channels == 256


def test_without_separable_branches_they_are_full_3x3_convs():
    head = build(channels=8, embed_dims=4, separable=False)
    for branch in list(head.fuse_layer.aspp_modules)[1:]:
        assert isinstance(branch, ConvModule)
        assert branch.conv.kernel_size == (3, 3) and branch.conv.groups == 1


def test_output_is_at_the_first_stages_size():
    head = build(channels=8, embed_dims=[4, 6, 8, 10], pool=True)
    stages = [
        torch.randn(2, c, 20 // s, 28 // s)
        for c, s in zip((3, 5, 7, 9), (1, 2, 4, 8))
    ]
    assert head(stages).shape == (2, 5, 20, 28)


def test_every_parameter_gets_a_gradient():
    head = build(channels=8, embed_dims=4, pool=True)
    head.init_weights()
    stages = [
        torch.randn(2, c, 16 // s, 16 // s)
        for c, s in zip((3, 5, 7, 9), (1, 2, 4, 8))
    ]
    out = head(stages)
    assert torch.isfinite(out).all()
    out.square().sum().backward()
    for name, p in head.named_parameters():
        assert p.grad is not None and p.grad.abs().sum() > 0, name


def test_embed_dims_must_give_one_width_per_stage():
    with pytest.raises(ValueError, match=r'3 widths for 4 stages'):
        build(embed_dims=[4, 4, 4])


def test_hrdas_attention_fusion_is_one_1x1_convolution():
    """fusion='conv': DAFormer's fusion_cfg=dict(type='conv',
    kernel_size=1), HRDA's scale attention head; its keys are DAFormer's
    ConvModule's."""
    head = build(embed_dims=8, channels=8, fusion='conv').eval()
    assert {k for k in head.state_dict() if k.startswith('fuse_layer.')} == {
        'fuse_layer.conv.weight', 'fuse_layer.bn.weight',
        'fuse_layer.bn.bias', 'fuse_layer.bn.running_mean',
        'fuse_layer.bn.running_var', 'fuse_layer.bn.num_batches_tracked',
    }  # fmt: skip
    x = torch.randn(2, 32, 6, 4)  # the four embeddings, concatenated
    conv, bn = head.fuse_layer.conv, head.fuse_layer.bn
    expected = torch.relu(
        torch.nn.functional.batch_norm(
            torch.nn.functional.conv2d(x, conv.weight), bn.running_mean,
            bn.running_var, bn.weight, bn.bias, False, 0.0, bn.eps,
        )
    )  # fmt: skip
    torch.testing.assert_close(head.fuse_layer(x), expected)
    with pytest.raises(ValueError, match='fusion must be one of'):
        build(fusion='isa')
