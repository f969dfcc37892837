"""Time the training step of a config on random data, and its data pipeline.

What ``tools/analysis/benchmark_uda_step.py`` measures, as functions: the
model and optimizers are built from the config exactly as training builds
them, the inputs are random images (and labels) of the config's crop sizes,
and one "step" is the model's whole ``train_step`` (data preprocessing,
forward, losses, backward passes and optimizer steps of every network), so
the figures compare with the plain-PyTorch anchor
(``gpu_anchor.py``, not shipped here; docs/benchmarks.md) doing the same
work.
"""

import itertools
import resource
import statistics
import time
from contextlib import nullcontext
from typing import Callable, Dict, List, Optional, Sequence, Tuple

import torch
import torch._dynamo as dynamo
from mmengine.config import Config
from mmengine.dataset import pseudo_collate
from mmengine.model import revert_sync_batchnorm
from mmengine.optim import build_optim_wrapper
from mmengine.registry import init_default_scope
from mmengine.structures import PixelData
from mmseg.registry import DATA_SAMPLERS, DATASETS, MODELS
from mmseg.structures import SegDataSample
from torch._dynamo.utils import counters

from .cli import enable_amp

Size = Tuple[int, int]


def pipeline_crop(pipeline: Sequence[dict]) -> Optional[Size]:
    """The (h, w) a training pipeline produces: its last ``RandomCrop``'s
    ``crop_size``, else its last fixed-size ``Resize`` scale; None when the
    pipeline keeps the images' own size."""
    for t in reversed(pipeline):
        if 'crop_size' in t:
            return tuple(t['crop_size'])
        if t.get('type') == 'Resize' and not t.get('keep_ratio', True):
            w, h = t['scale']
            return h, w
    return None


def is_uda(cfg: Config) -> bool:
    return cfg.model.get('type') == 'UDASegmentor'


def config_crops(cfg: Config, crop: Optional[Size] = None) -> Dict[str, Size]:
    """The training crop of each domain the config's data loader loads
    (``source``, and ``target`` unless a UDA config loads none) or of the
    one domain (``source``) of a plain mmseg config: ``crop`` for all when
    given, else what the pipelines produce, else the size of the dataset's
    first image (which reads the dataset)."""
    dataset_cfg = cfg.train_dataloader.dataset
    domains = (
        {
            domain: dataset_cfg[domain]
            for domain in ('source', 'target')
            if dataset_cfg.get(domain) is not None
        }
        if is_uda(cfg)
        else dict(source=dataset_cfg)
    )
    crops = {}
    for domain, domain_cfg in domains.items():
        size = crop or pipeline_crop(domain_cfg.pipeline)
        if size is None:
            init_default_scope(cfg.get('default_scope', 'mmseg'))
            first = DATASETS.build(domain_cfg)[0]['inputs']
            size = tuple(first.shape[-2:])
        crops[domain] = tuple(size)
    return crops


def set_crop(cfg: Config, crop: Size) -> None:
    """Train at crop ``crop`` (h, w): a data preprocessor that pads to a
    fixed ``size`` pads to ``crop`` instead, and a multi-resolution
    segmentor's detail crop keeps its share of the training crop."""
    model = cfg.model.segmentor if is_uda(cfg) else cfg.model
    if model.get('type') == 'MultiResEncoderDecoder':
        model.detail_crop = scaled_detail_crop(cfg, model, crop)
        model = model.segmentor
    preprocessor = model.get('data_preprocessor') or {}
    if preprocessor.get('size') is not None:
        preprocessor['size'] = tuple(crop)


def scaled_detail_crop(cfg: Config, model: dict, crop: Size) -> Size:
    """HRDA's detail crop (512 of a 1024 crop) at the same share of
    ``crop``, on the grid of its ``crop_divisible`` (at least one cell)."""
    dataset = cfg.train_dataloader.dataset
    source = dataset.get('source', dataset)
    original = pipeline_crop(source.pipeline) or crop
    detail = model.get('detail_crop', (512, 512))
    grid = model.get('crop_divisible', 8)
    return tuple(
        max(grid, round(c * d / o / grid) * grid)
        for c, d, o in zip(crop, detail, original)
    )


def random_sample(
    size: Size, num_classes: int, labelled: bool, gen: torch.Generator
) -> dict:
    """A packed sample (uint8 image, label map) of random values."""
    h, w = size
    sample = SegDataSample(metainfo=dict(img_shape=size, ori_shape=size))
    if labelled:
        label = torch.randint(0, num_classes, (1, h, w), generator=gen)
        sample.gt_sem_seg = PixelData(data=label)
    image = torch.randint(0, 256, (3, h, w), generator=gen, dtype=torch.uint8)
    return dict(inputs=image, data_samples=sample)


def random_batch(
    crops: Dict[str, Size],
    batch: int,
    num_classes: int,
    seed: int = 0,
    *,
    uda: bool,
) -> dict:
    """A collated batch of random data in the config's format: for UDA
    (``uda``), pairs of labelled source and unlabelled target samples, or
    ``dict(source=...)`` alone without a ``target`` crop (as
    ``UDADataset(target=None)`` gives); else plain samples."""
    gen = torch.Generator().manual_seed(seed)

    def element() -> dict:
        source = random_sample(crops['source'], num_classes, True, gen)
        if not uda:
            return source
        if 'target' not in crops:
            return dict(source=source)
        target = random_sample(crops['target'], num_classes, False, gen)
        return dict(source=source, target=target)

    return pseudo_collate([element() for _ in range(batch)])


def num_classes(model: torch.nn.Module) -> int:
    segmentor = getattr(model, 'segmentor', model)
    return segmentor.num_classes  # the (last) decode head's


def build_training(cfg: Config, device: str, amp: str = 'fp32'):
    """The model (random weights: nothing is downloaded) and its optimizer
    wrappers, on ``device``, in training mode.

    ``amp`` is ``'fp32'``, ``'bf16'`` or ``'fp16'``. On CUDA the optimizers
    become mmengine's ``AmpOptimWrapper``, as ``--amp`` makes them; mmengine
    refuses that wrapper on CPU, so there bf16 runs the step under
    ``torch.autocast`` instead (returned as the third element).
    """
    init_default_scope(cfg.get('default_scope', 'mmseg'))
    cfg = Config(cfg.to_dict())
    on_cuda = torch.device(device).type == 'cuda'
    context: Callable = nullcontext
    if amp != 'fp32' and on_cuda:
        enable_amp(cfg, amp)
    elif amp == 'bf16':
        context = lambda: torch.autocast('cpu', dtype=torch.bfloat16)  # noqa
    elif amp != 'fp32':
        raise ValueError(f'--amp {amp} needs a CUDA device')
    # One process, as the runner does without a launcher: SyncBN -> BN.
    model = revert_sync_batchnorm(MODELS.build(cfg.model)).to(device)
    model.train()
    return model, build_optim_wrapper(model, cfg.optim_wrapper), context


def time_calls(
    step: Callable[[object], object],
    prepare: Callable[[], object],
    device: str,
    warmup: int,
    iters: int,
    on_warmup_end: Callable[[], None] = lambda: None,
) -> Dict[str, float]:
    """Median and minimum milliseconds of ``step(prepare())`` over ``iters``
    calls after ``warmup`` ones, CUDA-synchronised, ``prepare`` untimed, and
    the peak GiB allocated (NaN on CPU, as the anchor reports; there the
    process's peak resident memory, ``peak_rss_gib``, instead)."""
    cuda = torch.device(device).type == 'cuda'
    sync = torch.cuda.synchronize if cuda else (lambda: None)
    if cuda:
        torch.cuda.reset_peak_memory_stats()
    times: List[float] = []
    for i in range(warmup + iters):
        if i == warmup:
            on_warmup_end()
        inputs = prepare()
        sync()
        start = time.perf_counter()
        step(inputs)
        sync()
        if i >= warmup:
            times.append((time.perf_counter() - start) * 1000)
    peak = torch.cuda.max_memory_allocated() / 2**30 if cuda else float('nan')
    row = dict(
        ms_median=round(statistics.median(times), 2),
        ms_min=round(min(times), 2),
        peak_gib=round(peak, 2),
    )
    if not cuda:
        # ru_maxrss is in KiB on Linux: the whole process's peak.
        rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2**20
        row['peak_rss_gib'] = round(rss, 3)
    return row


def step_variant(model: torch.nn.Module, crops: Dict[str, Size]) -> str:
    """The anchor's name for the work a step does: which terms are active
    and, for PFR + adv, whether the two domains were fused into one
    forward (as the model decides it: :meth:`UDASegmentor.fusion`)."""
    if not hasattr(model, 'active_terms'):
        return 'source_only'
    kinds = {type(t).__name__ for _, t in model.active_terms()}
    adv, pfr = 'AdversarialTerm' in kinds, 'PFRTerm' in kinds
    if 'SelfTrainingTerm' in kinds:
        return (
            'self_training' + ('_pfr' if pfr else '') + ('_adv' if adv else '')
        )
    if not (adv or pfr):
        return 'source_only'
    if not pfr:
        return 'adaptseg'
    if not adv:
        return 'pfr_only'
    shapes = [(1, 3, *crops[d]) for d in ('source', 'target')]
    fused, _ = model.fusion(*map(torch.Size, shapes))
    return 'pfr_cat' if fused else 'pfr_seq'


def benchmark_step(
    cfg: Config,
    device: str = 'cpu',
    amp: str = 'fp32',
    iters: int = 10,
    warmup: int = 3,
    crops: Optional[Dict[str, Size]] = None,
    batch: Optional[int] = None,
    compile: Optional[str] = None,
) -> Dict[str, object]:
    """Time the config's training step; one result row, like the anchor's.

    Args:
        cfg: Any training config, UDA or plain mmseg.
        device: ``'cpu'`` or ``'cuda'``.
        amp: ``'fp32'`` (TF32 matmuls on CUDA, as the anchor), ``'bf16'``
            or ``'fp16'``.
        iters: Timed steps.
        warmup: Untimed steps before.
        crops: (h, w) per domain (``source``, ``target``) instead of the
            config's (see :func:`config_crops`).
        batch: Samples per domain; default the config's batch size.
        compile: ``'losses'``: ``torch.compile`` the segmentor's training
            computation (``UDASegmentor.segmentor_losses``: forwards, L_seg,
            L_adv, L_pfr, L_st); ``'step'``: the whole ``train_step``, as
            mmengine's ``compile`` option does (it breaks where the
            backward passes and optimizer steps are); None: eager. The row
            then counts dynamo's graph breaks and the graphs compiled
            during warm-up and during the timed steps (recompilations).
    """
    if torch.device(device).type == 'cuda':
        torch.backends.cuda.matmul.allow_tf32 = True
        torch.backends.cudnn.allow_tf32 = True
        torch.backends.cudnn.benchmark = True
    if crops is None:
        crops = config_crops(cfg)
    else:
        cfg = Config(cfg.to_dict())
        set_crop(cfg, crops['source'])
    batch = batch or cfg.train_dataloader.batch_size
    torch.manual_seed(0)
    model, optim, context = build_training(cfg, device, amp)
    data = random_batch(crops, batch, num_classes(model), uda=is_uda(cfg))
    train_step = compiled(model, compile)

    def step(batch_data):
        with context():
            train_step(batch_data, optim)

    row = dict(
        variant=step_variant(model, crops),
        amp=amp,
        src=list(crops['source']),
        tgt=list(crops.get('target', crops['source'])),
        batch=batch,
        compile=compile,
    )
    # The data preprocessor pads samples in place: a fresh copy each step,
    # made outside the timed region.
    dynamo.reset()
    counters.clear()
    graphs = {}
    row.update(
        time_calls(
            step,
            lambda: _copy(data),
            device,
            warmup,
            iters,
            on_warmup_end=lambda: graphs.update(warmup=unique_graphs()),
        )
    )
    if compile:
        row.update(
            graph_breaks=sum(counters['graph_break'].values()),
            graphs_warmup=graphs['warmup'],
            graphs_after_warmup=unique_graphs() - graphs['warmup'],
        )
    return row


def compiled(model: torch.nn.Module, target: Optional[str]) -> Callable:
    """``model.train_step``, with ``target`` compiled (see
    :func:`benchmark_step`)."""
    if target == 'losses':
        if not hasattr(model, 'segmentor_losses'):
            raise ValueError('--compile losses needs a UDASegmentor config')
        model.segmentor_losses = torch.compile(model.segmentor_losses)
    elif target == 'step':
        return torch.compile(model.train_step)
    elif target is not None:
        raise ValueError(f'compile must be losses or step, got {target!r}')
    return model.train_step


def unique_graphs() -> int:
    """How many graphs dynamo has compiled (a recompilation adds one)."""
    return counters['stats']['unique_graphs']


def _copy(data):
    if isinstance(data, dict):
        return {k: _copy(v) for k, v in data.items()}
    if isinstance(data, list):
        return [_copy(v) for v in data]
    if isinstance(data, SegDataSample):
        return data.clone()
    return data


def pipeline_throughput(cfg: Config, samples: int = 20) -> Dict[str, float]:
    """What one data loader worker prepares per second, the config's
    training pipelines on its real files in one process: images per domain
    (``source_images_per_s``, ``target_images_per_s``), and training
    samples (``samples_per_s``: one element of a batch, read as the data
    loader reads it, at the sampler's indices; for UDA a source image and,
    unless the config loads none, a target one)."""
    init_default_scope(cfg.get('default_scope', 'mmseg'))
    loader = cfg.train_dataloader
    dataset = DATASETS.build(loader.dataset)
    domains = (
        {
            name: getattr(dataset, name)
            for name in ('source', 'target')
            if getattr(dataset, name) is not None
        }
        if hasattr(dataset, 'source')
        else dict(source=dataset)
    )
    rates = {
        f'{name}_images_per_s': _rate(data, range(min(samples, len(data))))
        for name, data in domains.items()
    }
    sampler = DATA_SAMPLERS.build(
        loader.sampler, default_args=dict(dataset=dataset, seed=0)
    )
    rates['samples_per_s'] = _rate(
        dataset, list(itertools.islice(sampler, samples))
    )
    return rates


def _rate(dataset, indices: Sequence) -> float:
    """Reads of ``dataset[i]`` per second over ``indices``, after one
    untimed read (file system caches, lazy set-up)."""
    dataset[indices[0]]
    start = time.perf_counter()
    for i in indices:
        dataset[i]
    return round(len(indices) / (time.perf_counter() - start), 2)
