"""deeplab_coco2mmseg: the COCO DeepLab-v2 of AdaptSegNet and CLAN,
converted, computes in our config's network what it computes in the original
one, here an independent plain-PyTorch DeepLab-v2 with the released file's
module names, loaded from a file with that file's keys and shapes."""

import io
import runpy
import sys
from contextlib import redirect_stdout
from pathlib import Path
from types import SimpleNamespace
from typing import List, Tuple
from unittest import mock

import pytest
import torch
import torch.nn as nn
import torch.nn.functional as F
from mmengine.config import Config
from mmseg.registry import MODELS
from mmseg.structures import SegDataSample
from torch import Tensor

from mmseg_pfr.models.backbones.deeplab_coco_weights import (
    NotDeepLabCocoError,
    convert,
    load_released,
)

REPO = Path(__file__).resolve().parents[2]
CONFIG = REPO / 'configs/_base_/models/deeplabv2_r101-caffe.py'
TOOL = REPO / 'tools/model_converters/deeplab_coco2mmseg.py'
CAFFE_MEAN_BGR = (104.00698793, 116.66876762, 122.67891434)
# Even stem outputs (32x48): the ceil-mode pool adds a row and a column.
SIZE = (64, 96)
NUM_BN = 1 + 3 * (3 + 4 + 23 + 3) + 4  # stem, bottlenecks, projections


class Bottleneck(nn.Module):
    """Stride on the 1x1 conv, dilation on the 3x3, BN after each conv."""

    def __init__(
        self, inplanes: int, planes: int, stride: int, dilation: int
    ) -> None:
        super().__init__()
        self.conv1 = nn.Conv2d(inplanes, planes, 1, stride, bias=False)
        self.bn1 = nn.BatchNorm2d(planes)
        self.conv2 = nn.Conv2d(
            planes, planes, 3, 1, dilation, dilation, bias=False
        )
        self.bn2 = nn.BatchNorm2d(planes)
        self.conv3 = nn.Conv2d(planes, planes * 4, 1, bias=False)
        self.bn3 = nn.BatchNorm2d(planes * 4)
        self.downsample = None
        if stride != 1 or inplanes != planes * 4:
            self.downsample = nn.Sequential(
                nn.Conv2d(inplanes, planes * 4, 1, stride, bias=False),
                nn.BatchNorm2d(planes * 4),
            )

    def forward(self, x: Tensor) -> Tensor:
        y = F.relu(self.bn1(self.conv1(x)))
        y = F.relu(self.bn2(self.conv2(y)))
        y = self.bn3(self.conv3(y))
        skip = x if self.downsample is None else self.downsample(x)
        return F.relu(y + skip)


class Classifier(nn.Module):
    """DeepLab-v2's ASPP-L: four dilated 3x3 convs to classes, summed."""

    def __init__(self, num_classes: int) -> None:
        super().__init__()
        self.conv2d_list = nn.ModuleList(
            nn.Conv2d(2048, num_classes, 3, padding=d, dilation=d)
            for d in (6, 12, 18, 24)
        )

    def forward(self, x: Tensor) -> Tensor:
        out = self.conv2d_list[0](x)
        for branch in self.conv2d_list[1:]:
            out = out + branch(x)
        return out


class DeepLabV2(nn.Module):
    """The caffe DeepLab-v2 ResNet-101: 7x7 stem, ceil-mode max-pool,
    conv4_x/conv5_x dilated 2/4 from their first block on."""

    def __init__(self, num_classes: int = 21) -> None:
        super().__init__()
        self.conv1 = nn.Conv2d(3, 64, 7, 2, 3, bias=False)
        self.bn1 = nn.BatchNorm2d(64)
        self.maxpool = nn.MaxPool2d(3, 2, 1, ceil_mode=True)
        inplanes = 64
        stages = [(64, 3, 1, 1), (128, 4, 2, 1), (256, 23, 1, 2)]
        for i, (planes, blocks, stride, dilation) in enumerate(
            stages + [(512, 3, 1, 4)], 1
        ):
            layer = [Bottleneck(inplanes, planes, stride, dilation)]
            layer += [
                Bottleneck(planes * 4, planes, 1, dilation)
                for _ in range(blocks - 1)
            ]
            self.add_module(f'layer{i}', nn.Sequential(*layer))
            inplanes = planes * 4
        self.layer5 = Classifier(num_classes)

    def forward(self, x: Tensor) -> Tuple[List[Tensor], Tensor]:
        x = self.maxpool(F.relu(self.bn1(self.conv1(x))))
        stages = []
        for i in range(1, 5):
            x = getattr(self, f'layer{i}')(x)
            stages.append(x)
        return stages, self.layer5(x)


def released_state(reference: DeepLabV2) -> dict:
    """What the released file holds: the network under ``Scale.``, without
    the BN counters PyTorch added after it was made."""
    return {
        f'Scale.{key}': value
        for key, value in reference.state_dict().items()
        if not key.endswith('num_batches_tracked')
    }


@pytest.fixture(scope='module')
def original(tmp_path_factory):
    """The reference network with random weights and BN statistics, its
    released-format file, and that file converted by the tool run as a
    script (in this process: it imports mmseg once)."""
    torch.manual_seed(0)
    reference = DeepLabV2()
    gen = torch.Generator().manual_seed(1)
    for module in reference.modules():
        if isinstance(module, nn.BatchNorm2d):
            n = module.num_features
            module.weight.data = torch.rand(n, generator=gen) + 0.5
            module.bias.data = torch.randn(n, generator=gen) * 0.1
            module.running_mean = torch.randn(n, generator=gen) * 0.1
            module.running_var = torch.rand(n, generator=gen) + 0.5
    reference.eval()
    tmp = tmp_path_factory.mktemp('coco')
    src, dst = tmp / 'DeepLab_resnet_pretrained_init.pth', tmp / 'out.pth'
    state = released_state(reference)
    torch.save(state, src)
    report = io.StringIO()
    argv = [str(TOOL), str(src), str(dst), '--keep-classifier']
    with mock.patch.object(sys, 'argv', argv), redirect_stdout(report):
        runpy.run_path(str(TOOL), run_name='__main__')
    return SimpleNamespace(
        reference=reference, state=state, dst=dst, report=report.getvalue()
    )


def config(checkpoint: Path) -> Config:
    """Our config's segmentor for 21 classes, initialised from
    ``checkpoint``."""
    cfg = Config.fromfile(str(CONFIG)).model
    cfg.decode_head.num_classes = 21
    cfg.backbone.init_cfg.checkpoint = str(checkpoint)
    return cfg


@pytest.fixture(scope='module')
def ours(original):
    """Our config's network with the whole converted file loaded, and the
    keys that loading found missing and unexpected."""
    model = MODELS.build(config(original.dst))
    saved = torch.load(original.dst, weights_only=True)['state_dict']
    keys = model.load_state_dict(saved, strict=False)
    model.eval()
    return SimpleNamespace(model=model, keys=keys)


def test_cli_reports_what_it_mapped_and_added(original):
    assert 'Mapped 520 tensors Scale.* -> backbone.*.' in original.report
    assert (
        'Mapped 8 tensors Scale.layer5.conv2d_list.* -> decode_head.aspp.*'
    ) in original.report
    assert 'Dropped' not in original.report
    assert f'Added {NUM_BN} BN num_batches_tracked counters' in (
        original.report
    )
    saved = torch.load(original.dst, weights_only=True)
    assert saved['meta']['keep_classifier'] is True
    assert len(saved['state_dict']) == 520 + 8 + NUM_BN


def test_config_init_cfg_loads_the_backbone(original):
    backbone = MODELS.build(config(original.dst).backbone)
    backbone.init_weights()
    want = original.reference.state_dict()
    for key, value in backbone.state_dict().items():
        if not key.endswith('num_batches_tracked'):
            torch.testing.assert_close(value, want[key], rtol=0, atol=0)


def test_converted_file_loads_strictly(ours):
    assert ours.keys.missing_keys == []
    assert ours.keys.unexpected_keys == []


def test_converted_network_computes_the_original(original, ours):
    gen = torch.Generator().manual_seed(2)
    bgr = torch.randint(0, 256, (3, *SIZE), dtype=torch.uint8, generator=gen)
    model = ours.model
    data = model.data_preprocessor(
        dict(inputs=[bgr], data_samples=[SegDataSample()])
    )
    mean = torch.tensor(CAFFE_MEAN_BGR).view(1, 3, 1, 1)
    caffe_input = bgr[None].float() - mean
    torch.testing.assert_close(data['inputs'], caffe_input)

    with torch.no_grad():
        ref_stages, ref_logits = original.reference(caffe_input)
        stages = model.extract_feat(data['inputs'])
        logits = model.decode_head(stages)
    assert [s.shape[2:] for s in stages] == [(17, 25)] + [(9, 13)] * 3
    for got, want in zip([*stages, logits], [*ref_stages, ref_logits]):
        assert want.abs().max() > 0
        torch.testing.assert_close(got, want, rtol=1e-5, atol=0)


def test_without_keep_classifier_only_the_head_is_left_out(original, ours):
    result = convert(original.state)
    assert result.dropped == [
        f'Scale.layer5.conv2d_list.{i}.{p}'
        for i in range(4)
        for p in ('weight', 'bias')
    ]
    missing, unexpected = ours.model.load_state_dict(
        result.state_dict, strict=False
    )
    assert unexpected == []
    assert sorted(missing) == sorted(
        f'decode_head.aspp.{i}.{p}'
        for i in range(4)
        for p in ('weight', 'bias')
    )


def test_refuses_a_trained_adaptsegnet_snapshot(original):
    # What AdaptSegNet saves after training: no 'Scale.', a second head.
    snapshot = {k[len('Scale.') :]: v for k, v in original.state.items()}
    snapshot['layer6.conv2d_list.0.bias'] = torch.zeros(19)
    with pytest.raises(NotDeepLabCocoError) as error:
        convert(snapshot)
    assert 'missing keys (528): Scale.bn1.bias' in str(error.value)
    assert 'unexpected keys (529): bn1.bias' in str(error.value)


def test_refuses_other_depths_and_shapes(original):
    resnet50 = {
        k: v
        for k, v in original.state.items()
        if not any(f'layer3.{i}.' in k for i in range(6, 23))
    }
    resnet50['Scale.conv1.weight'] = torch.zeros(64, 3, 3, 3)
    with pytest.raises(NotDeepLabCocoError) as error:
        convert(resnet50, source='r50.pth')
    message = str(error.value)
    assert message.startswith('r50.pth is not the COCO-pretrained DeepLab-v2')
    assert 'missing keys (255): Scale.layer3.10.bn1.bias' in message
    assert 'unexpected keys' not in message
    assert (
        'wrong shapes (1): Scale.conv1.weight (64, 3, 3, 3) '
        'instead of (64, 3, 7, 7)'
    ) in message


def test_refuses_pickled_objects_and_non_dicts(tmp_path):
    torch.save({'Scale.conv1.weight': SimpleNamespace()}, tmp_path / 'a.pth')
    with pytest.raises(NotDeepLabCocoError, match='not a plain state dict'):
        load_released(str(tmp_path / 'a.pth'))
    torch.save([torch.zeros(1)], tmp_path / 'b.pth')
    with pytest.raises(NotDeepLabCocoError, match='holds a list, not a'):
        load_released(str(tmp_path / 'b.pth'))
    (tmp_path / 'c.pth').write_text('not a checkpoint')
    with pytest.raises(NotDeepLabCocoError, match='not a plain state dict'):
        load_released(str(tmp_path / 'c.pth'))


def test_cli_exits_with_the_reason(tmp_path, monkeypatch):
    torch.save({'conv1.weight': torch.zeros(64, 3, 7, 7)}, tmp_path / 'x.pth')
    argv = [str(TOOL), str(tmp_path / 'x.pth'), str(tmp_path / 'y.pth')]
    monkeypatch.setattr(sys, 'argv', argv)
    with pytest.raises(SystemExit) as error:
        runpy.run_path(str(TOOL), run_name='__main__')
    assert str(error.value).startswith(f'error: {tmp_path / "x.pth"} is not')
    assert 'unexpected keys (1): conv1.weight' in str(error.value)
    assert not (tmp_path / 'y.pth').exists()
