"""The Dark Zurich test server's archive (CodaLab competition 3783).

Dark Zurich (Sakaridis et al., ICCV 2019; TPAMI 2020) scores its 151 night
test images with three metrics, each from one folder of the archive: IoU
from ``labelTrainIds/`` (the train ids), UIoU from ``labelTrainIds_invalid/``
(the same, with 255 where the method declares a pixel invalid) and average
UIoU from ``confidence/`` (the confidence of each prediction as a 16-bit PNG,
0..65535 for 0..1). UDA papers report the IoU. Where each point comes from,
and where the sources differ: ``docs/test_servers.md``.
"""

from typing import Dict

import numpy as np
import torch
from mmseg.registry import METRICS

from ..datasets.label_maps import IGNORE_INDEX
from .server_submission_metric import ServerSubmissionMetric, SubmissionError

UINT16_MAX = 65535


def softmax_confidence(logits: torch.Tensor) -> np.ndarray:
    """The probability of the predicted class: the largest softmax value
    over the classes at each pixel, ``(H, W)`` float32 in [1/C, 1].

    Args:
        logits: ``(C, H, W)``.
    """
    return torch.softmax(logits.float(), dim=0).amax(dim=0).cpu().numpy()


@METRICS.register_module()
class DarkZurichSubmissionMetric(ServerSubmissionMetric):
    """``<output_dir>.zip`` with, per image, ``labelTrainIds/``,
    ``labelTrainIds_invalid/`` and ``confidence/<image name>``.

    ``labelTrainIds``: the predicted train ids 0-18, 8 bits (PIL mode
    ``L``). ``labelTrainIds_invalid``: the same, with 255 where the
    confidence is below ``invalid_threshold`` (none at the default 0, so
    UIoU equals IoU). ``confidence``: the softmax probability of the
    predicted class, ``round(p * 65535)`` in 16 bits (PIL mode ``I;16``).
    All at the image's original size; the probabilities are those of the
    logits upsampled to it, of which the train ids are the argmax.

    Args:
        output_dir: Where the PNGs are written while the test runs; the
            archive is ``<output_dir>.zip`` beside it.
        invalid_threshold: Pixels whose confidence is below it are written
            as invalid (255) in ``labelTrainIds_invalid``; 0 marks none.
        **kwargs: :class:`ServerSubmissionMetric` arguments
            (``keep_results``, ``overwrite``).
    """

    server = 'Dark Zurich'
    test_images = 151

    def __init__(
        self, output_dir: str, invalid_threshold: float = 0.0, **kwargs
    ) -> None:
        if not 0.0 <= invalid_threshold <= 1.0:
            raise SubmissionError(
                'DarkZurichSubmissionMetric: invalid_threshold is a '
                f'probability in [0, 1], got {invalid_threshold}'
            )
        super().__init__(output_dir, **kwargs)
        self.invalid_threshold = invalid_threshold

    def pictures(
        self, label: np.ndarray, logits: torch.Tensor
    ) -> Dict[str, np.ndarray]:
        """The three PNGs of one prediction, by folder.

        Args:
            label: Predicted train ids, ``(H, W)`` uint8.
            logits: The logits they are the argmax of, ``(19, H, W)``.
        """
        confidence = softmax_confidence(logits)
        invalid = confidence < self.invalid_threshold
        return {
            'labelTrainIds': label,
            'labelTrainIds_invalid': np.where(
                invalid, IGNORE_INDEX, label
            ).astype(np.uint8),
            'confidence': np.round(confidence * UINT16_MAX).astype(np.uint16),
        }
