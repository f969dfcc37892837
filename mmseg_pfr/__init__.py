"""mmseg-pfr: unsupervised domain adaptation for MMSegmentation 1.x with
Progressive Feature Refinement and output-space adversarial learning.

Importing the package registers its components into mmseg's registries. It
first checks the installed stack, then makes mmseg importable on mmcv-lite
(pure-PyTorch stand-ins for the two mmcv ops mmseg imports unguarded) and
makes mmengine load checkpoints safely on torch >= 2.6 and write files
atomically (a killed run never leaves a truncated checkpoint).
"""

# The tools ask (MMSEG_PFR_QUIET=1) for the stack's known, harmless warnings
# to be silenced; that has to happen before mmcv, mmengine and mmseg load.
from .compat.quiet import quiet_if_asked

quiet_if_asked()

from .compat.versions import check_versions  # noqa: E402

check_versions()

from .compat import mmcv_ops  # noqa: E402

mmcv_ops.install()

from .compat.checkpoint import register_safe_loader, trust_checkpoint  # noqa: E402,E501

register_safe_loader()

from .compat.atomic_files import register_atomic_backend  # noqa: E402

register_atomic_backend()

from . import datasets, engine, evaluation, models, synthetic  # noqa: E402,F401,E501
from .compat import checkpoint_fit  # noqa: E402,F401  (CheckpointFitHook)
from .version import __version__  # noqa: E402

__all__ = ['__version__', 'trust_checkpoint']
