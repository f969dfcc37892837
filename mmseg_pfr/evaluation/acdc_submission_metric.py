"""The ACDC test server's archive for semantic segmentation.

ACDC (Sakaridis et al., ICCV 2021) scores its 2000 test images (500 per
condition: fog, night, rain, snow) at https://acdc.vision.ee.ethz.ch/submit.
The server reads train ids (road = 0), one PNG per image at the image's own
size (1920x1080), found by the image's ``<sequence>_frame_<frame>`` name
under the archive's ``labelTrainIds/`` folder. Where each point comes from,
and where the sources differ: ``docs/test_servers.md``.
"""

from typing import Dict

import numpy as np
import torch
from mmseg.registry import METRICS

from .server_submission_metric import ServerSubmissionMetric


@METRICS.register_module()
class ACDCSubmissionMetric(ServerSubmissionMetric):
    """``<output_dir>.zip`` with ``labelTrainIds/<image name>``: the
    predicted train ids 0-18, one channel of 8 bits (PIL mode ``L``), at
    the image's original size. Arguments: those of
    :class:`ServerSubmissionMetric` (``output_dir``, ``keep_results``,
    ``overwrite``).
    """

    server = 'ACDC'
    test_images = 2000

    def pictures(
        self, label: np.ndarray, logits: torch.Tensor
    ) -> Dict[str, np.ndarray]:
        """The train ids, under ``labelTrainIds/``.

        Args:
            label: Predicted train ids, ``(H, W)`` uint8.
            logits: The segmentor's logits (not written).
        """
        return {'labelTrainIds': label}
