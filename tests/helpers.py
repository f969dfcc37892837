"""Shared test helpers: tiny models and UDA batches (CPU, seconds)."""

import copy
from typing import Optional, Tuple

import torch
from mmengine.config import ConfigDict
from mmengine.dataset import pseudo_collate
from mmengine.hooks import Hook
from mmengine.logging import MMLogger
from mmengine.structures import PixelData
from mmseg.registry import DATASETS, HOOKS
from mmseg.structures import SegDataSample
from torch.utils.data import Dataset

import mmseg_pfr  # noqa: F401  (registers the plugin)

NUM_CLASSES = 4


def tiny_segmentor_cfg(
    num_classes: int = NUM_CLASSES,
    aux: bool = False,
    frozen_bn: bool = True,
) -> dict:
    """A DeepLab-v2 on a 4-stage ResNet-18 of width 8 (64 channels at the
    end), output stride 8: the paper's network at toy size."""
    norm = dict(type='BN', requires_grad=not frozen_bn)
    cfg = dict(
        type='EncoderDecoder',
        data_preprocessor=dict(
            type='SegDataPreProcessor',
            mean=[128.0] * 3,
            std=[64.0] * 3,
            size_divisor=8,
        ),
        backbone=dict(
            type='ResNetV1c',
            depth=18,
            base_channels=8,
            stem_channels=8,
            dilations=(1, 1, 2, 4),
            strides=(1, 2, 1, 1),
            norm_cfg=norm,
            norm_eval=frozen_bn,
            contract_dilation=True,
            # mmseg zero-initialises the last BN of each block; frozen, that
            # would silence every residual branch of a model from scratch.
            zero_init_residual=False,
        ),
        decode_head=dict(
            type='DLV2Head',
            in_channels=64,
            num_classes=num_classes,
            loss_decode=dict(type='CrossEntropyLoss'),
        ),
        train_cfg=dict(),
        test_cfg=dict(mode='whole'),
    )
    if aux:
        cfg['auxiliary_head'] = dict(
            type='FCNHead',
            in_channels=32,
            in_index=2,
            channels=8,
            num_convs=1,
            num_classes=num_classes,
            norm_cfg=dict(type='BN', requires_grad=True),
            loss_decode=dict(type='CrossEntropyLoss', loss_weight=0.4),
        )
    return ConfigDict(cfg)


def log_to_captured_stdout(name: str) -> None:
    """Make mmengine's current logger one writing to the stdout captured
    now (one made before writes to where stdout was then)."""
    MMLogger.get_instance(f'test-{name}')


def uda_model_cfg(
    lambda_adv: float = 0.002,
    lambda_pfr: float = 0.004,
    discriminator: bool = True,
    fuse_forward: bool = True,
    lambda_st: float = 0.0,
    self_training: bool = False,
    **segmentor_kwargs,
) -> dict:
    """A UDASegmentor config around :func:`tiny_segmentor_cfg` with the
    paper's terms: ``adv`` (unless ``discriminator`` is False) and ``pfr``;
    with ``self_training`` also ``st`` and a mean teacher whose threshold
    the toy model's predictions can pass."""
    terms = dict(
        adv=dict(
            type='AdversarialTerm',
            weight=lambda_adv,
            discriminator=dict(type='FCDiscriminator', ndf=8),
        )
        if discriminator
        else None,
        pfr=dict(type='PFRTerm', weight=lambda_pfr),
    )
    # ConfigDict, as the runner gives: mmseg reads test_cfg.mode etc.
    cfg = ConfigDict(
        type='UDASegmentor',
        segmentor=tiny_segmentor_cfg(**segmentor_kwargs),
        terms=terms,
        fuse_forward=fuse_forward,
    )
    if self_training:
        cfg.terms.st = dict(type='SelfTrainingTerm', weight=lambda_st)
        cfg.teacher = dict(type='MeanTeacher', pseudo_threshold=0.3)
    return cfg


def optim_wrapper_cfg(discriminator: bool = True, lr: float = 1e-3) -> dict:
    """The AdaptSegNet optimizers (classifier x10), at a toy learning rate."""
    return dict(
        constructor='UDAOptimWrapperConstructor',
        segmentor=dict(
            type='OptimWrapper',
            optimizer=dict(type='SGD', lr=lr, momentum=0.9),
            paramwise_cfg=dict(
                custom_keys=dict(decode_head=dict(lr_mult=10.0))
            ),
        ),
        adv=dict(
            type='OptimWrapper',
            optimizer=dict(type='Adam', lr=1e-4, betas=(0.9, 0.99)),
        )
        if discriminator
        else None,
    )


def packed_sample(
    size: Tuple[int, int],
    seed: int,
    labelled: bool = True,
    num_classes: int = NUM_CLASSES,
) -> dict:
    """What mmseg's PackSegInputs gives for one image: uint8 CHW inputs and a
    SegDataSample (with a label map when ``labelled``). The image is
    learnable: vertical class bands at a random offset, each class with its
    own grey level, plus noise."""
    gen = torch.Generator().manual_seed(seed)
    h, w = size
    offset = torch.randint(0, w, (1,), generator=gen)
    columns = (torch.arange(w) + offset) % w
    label = (columns * num_classes // w).expand(1, h, w).contiguous()
    noise = torch.randint(0, 40, (3, h, w), generator=gen)
    inputs = (label * (200 // num_classes) + noise).to(torch.uint8)
    sample = SegDataSample(
        metainfo=dict(img_shape=size, ori_shape=size, img_path=f'{seed}.png')
    )
    if labelled:
        sample.gt_sem_seg = PixelData(data=label)
    return dict(inputs=inputs, data_samples=sample)


def uda_batch(
    n: int = 2,
    source_size: Tuple[int, int] = (32, 48),
    target_size: Optional[Tuple[int, int]] = None,
    seed: int = 0,
) -> dict:
    """A collated batch of ``n`` (source, target) pairs, as a data loader
    over a paired dataset gives it; targets carry no labels."""
    target_size = target_size or source_size
    pairs = [
        dict(
            source=packed_sample(source_size, seed + 2 * i),
            target=packed_sample(target_size, seed + 2 * i + 1, False),
        )
        for i in range(n)
    ]
    return pseudo_collate(pairs)


def clone_batch(batch: dict) -> dict:
    """A deep copy: the data preprocessor pads data samples in place."""
    return copy.deepcopy(batch)


TOY_METAINFO = dict(
    classes=tuple(f'class{i}' for i in range(NUM_CLASSES)),
    palette=[[60 * i, 255 - 60 * i, 0] for i in range(NUM_CLASSES)],
)


@DATASETS.register_module()
class ToyPairedDataset(Dataset):
    """(source, target) pairs of :func:`packed_sample` images, as a paired
    UDA dataset yields them; deterministic in the index. Targets are
    ``target_size`` (default ``size``), as Cityscapes crops differ from
    GTA5's."""

    metainfo = TOY_METAINFO

    def __init__(
        self,
        length: int = 8,
        size: Tuple[int, int] = (32, 48),
        target_size: Optional[Tuple[int, int]] = None,
    ):
        self.length, self.size = length, size
        self.target_size = target_size or size

    def __len__(self) -> int:
        return self.length

    def __getitem__(self, index: int) -> dict:
        return dict(
            source=packed_sample(self.size, 2 * index),
            target=packed_sample(
                self.target_size, 2 * index + 1, labelled=False
            ),
        )


@DATASETS.register_module()
class ToySegDataset(Dataset):
    """Labelled single-domain :func:`packed_sample` images for evaluation."""

    metainfo = TOY_METAINFO

    def __init__(self, length: int = 4, size: Tuple[int, int] = (32, 48)):
        self.length, self.size = length, size

    def __len__(self) -> int:
        return self.length

    def __getitem__(self, index: int) -> dict:
        return packed_sample(self.size, 1000 + index)


def toy_training_config(work_dir: str, max_iters: int = 4) -> dict:
    """A complete UDA training config over the toy datasets: what a user's
    config file holds, at toy size, with a checkpoint every 2 iterations."""
    loader = dict(num_workers=0, collate_fn=dict(type='pseudo_collate'))
    poly = dict(type='PolyLR', power=0.9, end=100, by_epoch=False)
    return dict(
        default_scope='mmseg',
        custom_imports=dict(imports=['mmseg_pfr', 'helpers']),
        work_dir=work_dir,
        model=uda_model_cfg(),
        model_wrapper_cfg=dict(type='MMSeparateDistributedDataParallel'),
        optim_wrapper=optim_wrapper_cfg(),
        param_scheduler=dict(segmentor=[poly], adv=[poly]),
        train_dataloader=dict(
            batch_size=2,
            dataset=dict(type='ToyPairedDataset'),
            sampler=dict(type='InfiniteSampler', shuffle=True),
            **loader,
        ),
        val_dataloader=dict(
            batch_size=1,
            dataset=dict(type='ToySegDataset'),
            sampler=dict(type='DefaultSampler', shuffle=False),
            **loader,
        ),
        test_dataloader=dict(
            batch_size=1,
            dataset=dict(type='ToySegDataset'),
            sampler=dict(type='DefaultSampler', shuffle=False),
            **loader,
        ),
        val_evaluator=dict(type='IoUMetric', iou_metrics=['mIoU']),
        test_evaluator=dict(type='IoUMetric', iou_metrics=['mIoU']),
        train_cfg=dict(
            type='IterBasedTrainLoop', max_iters=max_iters, val_interval=100
        ),
        val_cfg=dict(type='ValLoop'),
        test_cfg=dict(type='TestLoop'),
        default_hooks=dict(
            logger=dict(type='LoggerHook', interval=1),
            checkpoint=dict(type='CheckpointHook', by_epoch=False, interval=2),
        ),
        log_processor=dict(by_epoch=False),
        randomness=dict(seed=0, deterministic=True),
    )


@HOOKS.register_module()
class SaveRankWeightsHook(Hook):
    """After training, every rank saves its own weights (the runner's
    checkpoints come from rank 0 only), for comparing ranks."""

    def after_train(self, runner) -> None:
        rank = runner.rank
        model = (
            runner.model.module
            if hasattr(runner.model, 'module')
            else (runner.model)
        )
        torch.save(model.state_dict(), f'{runner.work_dir}/rank{rank}.pth')


@HOOKS.register_module()
class PoisonLossHook(Hook):
    """Before the 0-based iteration ``at``, set the weight of a term of the
    UDA model to infinity (NaN would switch it off: NaN > 0 is False): what
    a diverging run looks like to the update."""

    def __init__(self, at: int, term: str = 'pfr') -> None:
        self.at, self.term = at, term

    def before_train_iter(self, runner, batch_idx, data_batch=None) -> None:
        if runner.iter == self.at:
            model = runner.model
            model = model.module if hasattr(model, 'module') else model
            dict(model.named_terms())[self.term].weight = float('inf')
