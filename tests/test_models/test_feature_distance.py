"""DAFormer's thing-class ImageNet feature distance: the distance against a
hand computation, the term's loss against the formula, the frozen ImageNet
copy (its weights, no gradient, no optimizer, eval mode), every refusal to
start without the weights, checkpoints and resume."""

import pytest
import torch
from helpers import (
    optim_wrapper_cfg,
    tiny_segmentor_cfg,
    toy_training_config,
    uda_batch,
    uda_model_cfg,
)
from mmengine.config import Config
from mmengine.optim import build_optim_wrapper
from mmengine.runner import Runner
from mmseg.registry import MODELS
from test_models.test_label_downscale import counted
from test_models.test_uda_segmentor import ADV_KEYS, DISC_KEYS, SEG_KEYS

from mmseg_pfr.compat.checkpoint_fit import fit_state_dict
from mmseg_pfr.engine.optimizers.uda_optim_wrapper_constructor import (
    trainable_children,
)
from mmseg_pfr.models.uda.terms.feature_distance import (
    masked_feature_distance,
)
from mmseg_pfr.models.uda.terms.pretrained_copy import PretrainedCopyError

FD_KEYS = {'fd.loss_feat_dist'}
THINGS = (1, 2)  # the toy classes the tests call things


@pytest.fixture
def imagenet(tmp_path) -> str:
    """A stand-in for the ImageNet weights of the toy backbone."""
    return save_backbone(tmp_path / 'imagenet.pth', seed=1)


def save_backbone(path, seed: int, **backbone) -> str:
    torch.manual_seed(seed)
    cfg = tiny_segmentor_cfg().backbone
    cfg.update(backbone)
    torch.save(MODELS.build(cfg).state_dict(), path)
    return str(path)


def fd_cfg(checkpoint, weight=0.005, classes=THINGS, **fd):
    """The toy UDA model (adversarial term, no PFR) with the feature
    distance, the segmentor's backbone starting from ``checkpoint``."""
    cfg = uda_model_cfg(lambda_pfr=0.0)
    if checkpoint is not None:
        cfg.segmentor.backbone.init_cfg = dict(
            type='Pretrained', checkpoint=checkpoint
        )
    cfg.terms.fd = dict(
        type='FeatureDistanceTerm', weight=weight, classes=classes, **fd
    )
    return cfg


def build(checkpoint, **kwargs):
    torch.manual_seed(0)
    model = MODELS.build(fd_cfg(checkpoint, **kwargs))
    model.init_weights()
    model.train()
    return model, build_optim_wrapper(model, optim_wrapper_cfg())


def moved_student(model):
    """Move the student's backbone away from the ImageNet weights, as
    training does."""
    gen = torch.Generator().manual_seed(5)
    with torch.no_grad():
        for p in model.segmentor.backbone.parameters():
            p.add_(0.05 * torch.randn(p.shape, generator=gen))


def test_distance_on_hand_made_features_and_mask():
    student = torch.zeros(1, 2, 2, 2, requires_grad=True)
    # Per cell (channel 0, channel 1): (3, 4), (0, 1) / (6, 8), (0, 0).
    reference = torch.tensor(
        [[[[3.0, 0.0], [6.0, 0.0]], [[4.0, 1.0], [8.0, 0.0]]]]
    )
    mask = torch.tensor([[[True, False], [True, True]]])
    # ||.||_2 per cell: 5, 1, 10, 0; mean over the mask: (5 + 10 + 0) / 3.
    distance = masked_feature_distance(student, reference, mask)
    assert distance.item() == pytest.approx(5.0)
    assert masked_feature_distance(student, reference, None).item() == 4.0
    # No masked cell: 0 (DAFormer's mean of nothing is NaN), no gradient.
    empty = masked_feature_distance(student, reference, ~mask & mask)
    assert empty.item() == 0.0
    (grad,) = torch.autograd.grad(empty, student)
    assert torch.equal(grad, torch.zeros_like(student))


@pytest.mark.parametrize('stage, classes', [(-1, THINGS), (2, (3,))])
def test_term_loss_matches_the_formula(imagenet, stage, classes):
    model, _ = build(imagenet, weight=0.25, classes=classes, stage=stage)
    moved_student(model)
    source, target = model.preprocess(uda_batch(seed=3))
    loss = model.fd.loss(model.forward_step(source, target))
    x, labels = (
        source['inputs'],
        torch.stack([s.gt_sem_seg.data[0] for s in source['data_samples']]),
    )
    student = model.segmentor.backbone(x)[stage]
    with torch.no_grad():
        reference = model.fd.imnet_backbone(x)[stage]
    cells = counted(labels, student.shape[2:], 0.75, 4)
    mask = torch.isin(cells, torch.tensor(classes))
    assert mask.any() and not mask.all()
    distance = (student - reference).pow(2).sum(1).sqrt()[mask].mean()
    torch.testing.assert_close(loss['loss_feat_dist'], 0.25 * distance)
    assert set(loss) == {'loss_feat_dist'}


def test_every_cell_without_classes(imagenet):
    model, _ = build(imagenet, classes=None)
    moved_student(model)
    source, _ = model.preprocess(uda_batch())
    loss = model.fd.loss(model.forward_step(source, None))
    x = source['inputs']
    student = model.segmentor.backbone(x)[-1]
    reference = model.fd.imnet_backbone(x)[-1]
    expected = 0.005 * (student - reference).norm(dim=1).mean()
    torch.testing.assert_close(loss['loss_feat_dist'], expected)


def test_the_copy_holds_the_imagenet_weights_frozen(imagenet):
    model, optim = build(imagenet)
    saved = torch.load(imagenet, weights_only=True)
    copy = model.fd.imnet_backbone
    for key, value in copy.state_dict().items():
        assert torch.equal(value, saved[key]), key
    # The student starts from the same weights.
    assert torch.equal(
        model.segmentor.backbone.state_dict()['stem.0.weight'],
        saved['stem.0.weight'],
    )
    assert 'fd' not in trainable_children(model) and 'fd' not in optim
    optimised = {
        id(p)
        for name in optim.keys()
        for group in optim[name].optimizer.param_groups
        for p in group['params']
    }
    assert not optimised & {id(p) for p in copy.parameters()}
    for step in range(3):
        log = model.train_step(uda_batch(seed=step), optim)
        assert set(log) == SEG_KEYS | ADV_KEYS | DISC_KEYS | FD_KEYS
        assert not copy.training
        assert all(
            not p.requires_grad and p.grad is None for p in copy.parameters()
        )
    assert log['fd.loss_feat_dist'] > 0  # the student has moved
    for key, value in copy.state_dict().items():
        assert torch.equal(value, saved[key]), key


def test_gradient_reaches_the_backbone_and_nothing_else(imagenet):
    model, _ = build(imagenet)
    moved_student(model)
    source, _ = model.preprocess(uda_batch())
    loss = model.fd.loss(model.forward_step(source, None))['loss_feat_dist']

    def trainable(module):
        return [p for p in module.parameters() if p.requires_grad]

    backbone = trainable(model.segmentor.backbone)
    others = trainable(model.segmentor.decode_head) + trainable(model.adv)
    grads = torch.autograd.grad(loss, backbone + others, allow_unused=True)
    assert all(
        g is not None and g.abs().sum() > 0 for g in grads[: len(backbone)]
    )
    assert all(g is None for g in grads[len(backbone) :])


def test_no_pretrained_weights_is_refused():
    with pytest.raises(
        PretrainedCopyError,
        match=r'the feature distance \(FeatureDistanceTerm\) needs the '
        r"pretrained weights of the segmentor's backbone \(ResNetV1c\), "
        r'and it has none: set model.segmentor.backbone.init_cfg='
        r"dict\(type='Pretrained', checkpoint=...\) \(or mmseg's "
        r'model.segmentor.pretrained=...\)',
    ):
        MODELS.build(fd_cfg(None))


def test_mmseg_pretrained_argument_names_the_weights(imagenet):
    cfg = fd_cfg(None)
    cfg.segmentor.pretrained = imagenet
    model = MODELS.build(cfg)
    model.fd.init_weights()
    saved = torch.load(imagenet, weights_only=True)
    copy = model.fd.imnet_backbone.state_dict()
    assert all(torch.equal(copy[k], v) for k, v in saved.items())


def test_missing_or_unreachable_weights_are_named(tmp_path):
    missing = str(tmp_path / 'resnet101_v1c.pth')
    model = MODELS.build(fd_cfg(missing))
    with pytest.raises(
        FileNotFoundError,
        match=rf'the pretrained weights {missing} \(model.segmentor.'
        r'backbone.init_cfg.checkpoint\) do not exist: download them',
    ):
        model.fd.init_weights()
    url = 'http://127.0.0.1:9/resnet101_v1c.pth'  # nothing listens
    model = MODELS.build(fd_cfg(url))
    with pytest.raises(
        OSError,
        match=rf'the pretrained weights {url} \(model.segmentor.backbone.'
        r'init_cfg.checkpoint\) could not be loaded \(URLError',
    ):
        model.fd.init_weights()


def test_weights_that_do_not_fit_are_refused(tmp_path):
    wider = save_backbone(tmp_path / 'wide.pth', 0, base_channels=16)
    model = MODELS.build(fd_cfg(wider))
    with pytest.raises(
        PretrainedCopyError,
        match=rf'the pretrained weights {wider} \(model.segmentor.backbone.'
        r'init_cfg\) do not fit the backbone \(ResNetV1c\): the file holds '
        r'\d+ weights in another shape \(layer1.0.conv1.weight: \(16, 8, 3, '
        r'3\) in the file, \(8, 8, 3, 3\) in the backbone',
    ):
        model.fd.init_weights()
    partial = tmp_path / 'partial.pth'
    state = torch.load(save_backbone(partial, 0), weights_only=True)
    torch.save({k: v for k, v in state.items() if 'layer4' not in k}, partial)
    model = MODELS.build(fd_cfg(str(partial)))
    with pytest.raises(
        PretrainedCopyError,
        match=r'the file lacks \d+ of its \d+ weights \(layer4.0.conv1.weight'
        r", .*\). Are they the backbone's weights \(or is init_cfg.prefix "
        r'missing\)\?',
    ):
        model.fd.init_weights()


def test_a_segmentor_checkpoint_loads_with_its_prefix(tmp_path):
    torch.manual_seed(4)
    segmentor = MODELS.build(tiny_segmentor_cfg())
    path = tmp_path / 'segmentor.pth'
    torch.save(dict(state_dict=segmentor.state_dict()), path)
    cfg = fd_cfg(str(path))
    cfg.segmentor.backbone.init_cfg['prefix'] = 'backbone.'
    model = MODELS.build(cfg)
    model.fd.init_weights()
    expected = segmentor.backbone.state_dict()
    for key, value in model.fd.imnet_backbone.state_dict().items():
        assert torch.equal(value, expected[key]), key


def test_checkpoints_hold_the_copy_and_need_not(imagenet):
    model, _ = build(imagenet)
    state = model.state_dict()
    assert any(k.startswith('fd.imnet_backbone.') for k in state)
    # A checkpoint of a recipe without the term fits (the copy keeps the
    # ImageNet weights it loaded), and so does a plain segmentor's.
    without = {k: v for k, v in state.items() if not k.startswith('fd.')}
    fit_state_dict(model, without, 'no_fd.pth')
    plain = {
        k[len('segmentor.') :]: v
        for k, v in state.items()
        if k.startswith('segmentor.')
    }
    fit_state_dict(model, plain, 'segmentor.pth')


def run_toy(tmp_path, name, imagenet, max_iters, **cfg_kwargs):
    cfg = toy_training_config(str(tmp_path / name), max_iters=max_iters)
    cfg['model'] = fd_cfg(imagenet)
    cfg.update(cfg_kwargs)
    runner = Runner.from_cfg(Config(cfg))
    runner.train()
    return runner


@pytest.fixture
def plain_dump(monkeypatch):
    """Runner configs holding tuples dump as their repr."""
    monkeypatch.setattr(
        Config, 'pretty_text', property(lambda cfg: repr(cfg.to_dict()))
    )


def test_load_from_a_segmentor_keeps_the_imagenet_copy(
    tmp_path, imagenet, plain_dump
):
    torch.manual_seed(9)
    trained = MODELS.build(tiny_segmentor_cfg())
    plain = tmp_path / 'segmentor.pth'
    torch.save(dict(state_dict=trained.state_dict()), plain)
    runner = run_toy(
        tmp_path,
        'load',
        imagenet,
        max_iters=0,
        load_from=str(plain),
        custom_hooks=[dict(type='CheckpointFitHook')],
    )
    model = runner.model
    saved = torch.load(imagenet, weights_only=True)
    for key, value in model.fd.imnet_backbone.state_dict().items():
        assert torch.equal(value, saved[key]), key
    student = model.segmentor.state_dict()
    for key, value in trained.state_dict().items():
        assert torch.equal(student[key], value), key


def test_resume_is_bit_exact_with_the_feature_distance(
    tmp_path, imagenet, plain_dump
):
    whole = run_toy(tmp_path, 'whole', imagenet, 4)  # saved at 2 and 4
    resumed = run_toy(
        tmp_path,
        'resumed',
        imagenet,
        4,
        resume=True,
        load_from=str(tmp_path / 'whole/iter_2.pth'),
    )
    expected, got = whole.model.state_dict(), resumed.model.state_dict()
    assert set(expected) == set(got)
    assert any(k.startswith('fd.') for k in expected)
    for key in expected:
        assert torch.equal(expected[key], got[key]), key


def test_configuration_errors(imagenet):
    with pytest.raises(ValueError, match=r'min_ratio is a share of a cell'):
        MODELS.build(fd_cfg(imagenet, min_ratio=0.0))
