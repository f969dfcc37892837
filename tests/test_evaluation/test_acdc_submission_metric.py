"""ACDCSubmissionMetric writes the archive the ACDC server reads: one
``labelTrainIds/`` folder of 8-bit train-id PNGs named after the images, at
their original size."""

import numpy as np
import torch
from mmengine.evaluator import Evaluator
from test_evaluation.server_layouts import (
    ACDC_TEST,
    names,
    open_png,
    png_header,
    read_archive,
)
from test_evaluation.test_dark_zurich_submission_metric import sample


def test_archive_is_one_folder_of_8_bit_train_ids(tmp_path):
    gen = torch.Generator().manual_seed(0)
    # Images of two sizes: each PNG has its own image's.
    logits = [
        torch.randn(19, 9, 16, generator=gen),
        torch.randn(19, 6, 11, generator=gen),
    ] * 2
    samples = [sample(n, x) for n, x in zip(names(ACDC_TEST), logits)]
    evaluator = Evaluator(
        dict(type='ACDCSubmissionMetric', output_dir=str(tmp_path / 'acdc'))
    )
    evaluator.process(samples)
    assert evaluator.evaluate(len(samples)) == {}
    archive = read_archive(tmp_path / 'acdc.zip')
    assert sorted(archive) == sorted(
        f'labelTrainIds/{n}' for n in names(ACDC_TEST)
    )
    for name, x in zip(names(ACDC_TEST), logits):
        data = archive[f'labelTrainIds/{name}']
        _, h, w = x.shape
        assert png_header(data) == (w, h, 8, 0)
        image = open_png(data)
        assert image.mode == 'L'
        train_ids = np.asarray(image)
        assert train_ids.tolist() == x.argmax(0).tolist()
        assert train_ids.max() <= 18
