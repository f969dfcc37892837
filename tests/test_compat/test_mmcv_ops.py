"""mmcv-lite support: pure-PyTorch ops against their formulas, clear errors
for the rest, and both the mmcv-lite and the compiled-mmcv import paths."""

import subprocess
import sys
import textwrap

import pytest
import torch

from mmseg_pfr.compat import mmcv_ops


def bilinear_at(feat: torch.Tensor, x: float, y: float) -> torch.Tensor:
    """Bilinear value of (C, H, W) at pixel coordinates (x, y), zeros
    outside: the textbook formula, independent of grid_sample."""
    c, h, w = feat.shape
    x0, y0 = (
        int(torch.floor(torch.tensor(x))),
        int(torch.floor(torch.tensor(y))),
    )
    value = torch.zeros(c)
    for yy, wy in ((y0, y0 + 1 - y), (y0 + 1, y - y0)):
        for xx, wx in ((x0, x0 + 1 - x), (x0 + 1, x - x0)):
            if 0 <= yy < h and 0 <= xx < w:
                value += wx * wy * feat[:, yy, xx]
    return value


@pytest.mark.parametrize('align_corners', [False, True])
def test_point_sample_is_bilinear_interpolation(align_corners):
    gen = torch.Generator().manual_seed(0)
    feat = torch.randn(2, 3, 5, 7, generator=gen)
    points = torch.rand(2, 6, 2, generator=gen)  # (x, y) in [0, 1]
    out = mmcv_ops.point_sample(feat, points, align_corners=align_corners)
    assert out.shape == (2, 3, 6)
    h, w = 5, 7
    for n in range(2):
        for p in range(6):
            px, py = points[n, p].tolist()
            if align_corners:
                x, y = px * (w - 1), py * (h - 1)
            else:
                x, y = px * w - 0.5, py * h - 0.5
            torch.testing.assert_close(
                out[n, :, p], bilinear_at(feat[n], x, y)
            )


def test_point_sample_grid_points_keep_their_shape():
    feat = torch.randn(1, 2, 4, 4)
    grid = torch.rand(1, 3, 5, 2)
    assert mmcv_ops.point_sample(feat, grid).shape == (1, 2, 3, 5)


def focal_reference(x, t, gamma, alpha, weight):
    """Sigmoid focal loss element by element, as mmcv's CUDA kernel."""
    n, c = x.shape
    loss = torch.zeros(n, c)
    for i in range(n):
        for j in range(c):
            p = torch.sigmoid(x[i, j])
            if t[i] == j:
                loss[i, j] = -alpha * (1 - p) ** gamma * torch.log(p)
            else:
                loss[i, j] = -(1 - alpha) * p**gamma * torch.log(1 - p)
            loss[i, j] *= 1 if weight is None else weight[i]
    return loss


@pytest.mark.parametrize('reduction', ['none', 'mean', 'sum'])
@pytest.mark.parametrize('use_weight', [False, True])
def test_sigmoid_focal_loss_matches_the_formula(reduction, use_weight):
    gen = torch.Generator().manual_seed(1)
    x = torch.randn(6, 4, generator=gen)
    t = torch.tensor([0, 3, 1, 4, 2, 0])  # 4 == C: no positive class
    weight = torch.rand(6, generator=gen) if use_weight else None
    ref = focal_reference(x, t, 2.0, 0.25, weight)
    expected = {'none': ref, 'mean': ref.sum() / 6, 'sum': ref.sum()}
    out = mmcv_ops.sigmoid_focal_loss(x, t, 2.0, 0.25, weight, reduction)
    torch.testing.assert_close(out, expected[reduction])


def test_sigmoid_focal_loss_bad_reduction():
    with pytest.raises(ValueError, match='reduction must be'):
        mmcv_ops.sigmoid_focal_loss(
            torch.zeros(1, 2), torch.zeros(1), 2, 0.25, None, 'avg'
        )


def run_python(code: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, '-c', textwrap.dedent(code)],
        capture_output=True,
        text=True,
        timeout=300,
    )


@pytest.mark.skipif(
    mmcv_ops.has_compiled_mmcv(), reason='a compiled mmcv is installed'
)
def test_mmcv_lite_path():
    result = run_python("""
        import mmseg_pfr, mmcv.ops
        import mmseg.models, mmseg.utils  # both import mmcv.ops unguarded
        from mmseg_pfr.compat import mmcv_ops
        assert mmcv.ops.point_sample is mmcv_ops.point_sample
        from mmseg.models.losses import focal_loss
        assert focal_loss._sigmoid_focal_loss is mmcv_ops.sigmoid_focal_loss
        # mmseg's guarded imports still see "no such op".
        from mmseg.models.decode_heads import cc_head
        assert cc_head.CrissCrossAttention is None
        try:
            from mmcv.ops import roi_align
        except ModuleNotFoundError as error:
            print(error)
    """)
    assert result.returncode == 0, result.stderr
    assert (
        "mmcv.ops.roi_align needs mmcv's compiled operators" in result.stdout
    )
    assert "pip install 'mmcv>=2.0.0,<2.2.0'" in result.stdout


lite_only = pytest.mark.skipif(
    mmcv_ops.has_compiled_mmcv(), reason='a compiled mmcv is installed'
)
HINT = "pip install 'mmcv>=2.0.0,<2.2.0'"


@lite_only
def test_probing_for_a_missing_op_answers_absent():
    # Library code that looks for an op before using it.
    import mmcv.ops

    assert hasattr(mmcv.ops, 'nms') is False
    assert getattr(mmcv.ops, 'nms', None) is None
    assert hasattr(mmcv.ops, 'point_sample')


@lite_only
def test_using_a_missing_op_names_it_and_how_to_get_it():
    import mmcv.ops

    with pytest.raises(AttributeError) as error:
        mmcv.ops.nms(torch.zeros(1, 4), torch.zeros(1), 0.5)
    assert isinstance(error.value, mmcv_ops.MissingOpError)
    assert str(error.value).startswith(
        "mmcv.ops.nms needs mmcv's compiled operators, which this install "
        '(mmcv-lite) does not have'
    )
    assert HINT in str(error.value)


@lite_only
@pytest.mark.parametrize(
    'statement',
    [
        'from mmcv.ops import nms',
        'from mmcv.ops import point_sample, nms',
        'import mmcv.ops.nms',
        'importlib.import_module("mmcv.ops.nms")',
    ],
)
def test_importing_a_missing_op_is_a_module_not_found_error(statement):
    # What mmseg's guarded imports catch (except ModuleNotFoundError): a
    # plain ImportError ("cannot import name") would escape them.
    import importlib  # noqa: F401  (used by the statement)

    with pytest.raises(ModuleNotFoundError) as error:
        exec(statement)
    assert str(error.value).startswith("mmcv.ops.nms needs mmcv's compiled")
    assert HINT in str(error.value)
    assert error.value.name == 'mmcv._ext'


@lite_only
def test_other_imports_are_left_to_python():
    with pytest.raises(ModuleNotFoundError) as error:
        import mmcv.no_such_module  # noqa: F401
    assert error.value.name == 'mmcv.no_such_module'


def test_compiled_mmcv_path_is_left_alone():
    # A stand-in for mmcv's compiled extension: mmcv.ops then imports its
    # own modules, and mmseg_pfr must not replace any of them.
    result = run_python("""
        import importlib.machinery, sys, types
        ext = types.ModuleType('mmcv._ext')
        ext.__spec__ = importlib.machinery.ModuleSpec('mmcv._ext', None)

        def op(name):
            if name.startswith('__'):
                raise AttributeError(name)
            return lambda *args, **kwargs: None

        ext.__getattr__ = op
        sys.modules['mmcv._ext'] = ext
        import mmseg_pfr, mmcv.ops, mmseg.models
        from mmseg_pfr.compat import mmcv_ops
        assert mmcv_ops.has_compiled_mmcv()
        assert mmcv.ops.point_sample is not mmcv_ops.point_sample
        print(mmcv.ops.point_sample.__module__, mmcv.ops.__file__)
    """)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith('mmcv.ops.point_sample ')
    assert result.stdout.strip().endswith('mmcv/ops/__init__.py')
