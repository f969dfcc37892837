"""``PerImageIoUMetric``: mmseg's ``IoUMetric`` that also saves each
image's intersections and unions, for a bootstrap over val images.

mmseg's metric computes every image's per-class areas and sums them; this
one keeps them. Any mmseg config is scored with it from the command line,
its own metric settings kept::

    python tools/test.py CONFIG CKPT --cfg-options \\
        test_evaluator.type=PerImageIoUMetric \\
        test_evaluator.per_image_out=areas.json

The file (written before the summary is logged) holds ``classes``,
``images`` (the file stems, in val order; absent when the test ran in
several processes) and ``intersect`` / ``union`` (one list of per-class
pixel counts per image): enough to recompute mIoU on any resample of the
images exactly as ``IoUMetric`` does.
"""

import json
import os
import os.path as osp
from typing import Dict, List, Optional, Sequence

from mmengine.dist import get_world_size
from mmseg.evaluation import IoUMetric
from mmseg.registry import METRICS


@METRICS.register_module()
class PerImageIoUMetric(IoUMetric):
    """``IoUMetric`` that writes the per-image areas to ``per_image_out``.

    Args:
        per_image_out: The JSON file to write (its folder is made).
        **kwargs: ``IoUMetric``'s arguments.
    """

    def __init__(self, per_image_out: Optional[str] = None, **kwargs) -> None:
        super().__init__(**kwargs)
        self.per_image_out = per_image_out
        self.image_names: List[str] = []

    def process(self, data_batch: dict, data_samples: Sequence[dict]) -> None:
        """Score the batch as ``IoUMetric`` does and note the image names."""
        super().process(data_batch, data_samples)
        for sample in data_samples:
            stem = osp.splitext(osp.basename(sample.get('img_path', '')))[0]
            self.image_names.append(stem)

    def compute_metrics(self, results: list) -> Dict[str, float]:
        """Write the per-image areas, then compute ``IoUMetric``'s
        metrics."""
        if self.per_image_out and not self.format_only:
            self._write(results)
        self.image_names = []
        return super().compute_metrics(results)

    def _write(self, results: list) -> None:
        # Each result is IoUMetric's (intersect, union, pred, label) tuple.
        record = dict(
            classes=list(self.dataset_meta['classes']),
            intersect=[r[0].long().tolist() for r in results],
            union=[r[1].long().tolist() for r in results],
        )
        if get_world_size() == 1 and len(self.image_names) == len(results):
            record['images'] = self.image_names
        folder = osp.dirname(osp.abspath(self.per_image_out))
        os.makedirs(folder, exist_ok=True)
        with open(self.per_image_out, 'w') as f:
            json.dump(record, f)
