"""DarkZurichSubmissionMetric writes the archive the Dark Zurich server
(CodaLab competition 3783) reads: three folders of the same image names,
train ids and invalid-marked train ids in 8 bits, confidence in 16 bits."""

import math

import numpy as np
import pytest
import torch
from mmengine.evaluator import Evaluator
from mmengine.structures import PixelData
from mmseg.structures import SegDataSample
from test_evaluation.server_layouts import (
    DARK_ZURICH_TEST,
    names,
    open_png,
    png_header,
    read_archive,
)

from mmseg_pfr.evaluation import SubmissionError

NAMES = names(DARK_ZURICH_TEST)
FOLDERS = ('confidence', 'labelTrainIds', 'labelTrainIds_invalid')
# Per pixel of a (19, 2, 3) logit map: (class, logit); every other class
# has logit 0, so the class's softmax probability is e^v / (e^v + 18).
PIXELS = [
    [(0, 0.0), (18, math.log(3)), (5, 100.0)],
    [(7, math.log(5)), (12, math.log(7)), (3, math.log(3))],
]


def logits_of(pixels) -> torch.Tensor:
    logits = torch.zeros(19, len(pixels), len(pixels[0]))
    for y, row in enumerate(pixels):
        for x, (cls, value) in enumerate(row):
            logits[cls, y, x] = value
    return logits


def sample(name: str, logits: torch.Tensor) -> SegDataSample:
    """What the segmentor returns: logits and their argmax at the image's
    original size."""
    out = SegDataSample(
        metainfo=dict(img_path=f'data/rgb_anon/test/night/x/{name}')
    )
    out.seg_logits = PixelData(data=logits)
    out.pred_sem_seg = PixelData(data=logits.argmax(0, keepdim=True))
    return out


def reference_confidence(pixels) -> np.ndarray:
    """round(65535 * p) of the predicted class, in float64, per pixel."""
    return np.array(
        [
            [round(65535 * math.exp(v) / (math.exp(v) + 18)) for _, v in row]
            for row in pixels
        ]
    )


def write(tmp_path, samples, **kwargs) -> dict:
    evaluator = Evaluator(
        dict(
            type='DarkZurichSubmissionMetric',
            output_dir=str(tmp_path / 'dz'),
            **kwargs,
        )
    )
    evaluator.process(samples)
    assert evaluator.evaluate(len(samples)) == {}
    return read_archive(tmp_path / 'dz.zip')


def test_archive_holds_three_folders_of_the_image_names(tmp_path):
    logits = logits_of(PIXELS)
    archive = write(tmp_path, [sample(n, logits) for n in NAMES])
    assert sorted(archive) == [f'{f}/{n}' for f in FOLDERS for n in NAMES]
    assert not (tmp_path / 'dz').exists()  # the PNGs are in the zip only


def test_labels_are_8_bit_train_ids_at_the_image_size(tmp_path):
    logits = logits_of(PIXELS)
    archive = write(tmp_path, [sample(NAMES[0], logits)])
    train_ids = [[cls for cls, _ in row] for row in PIXELS]
    for folder in ('labelTrainIds', 'labelTrainIds_invalid'):
        data = archive[f'{folder}/{NAMES[0]}']
        assert png_header(data) == (3, 2, 8, 0)
        image = open_png(data)
        assert image.mode == 'L'
        assert np.asarray(image).tolist() == train_ids


def test_confidence_is_16_bit_softmax_probability(tmp_path):
    logits = logits_of(PIXELS)
    data = write(tmp_path, [sample(NAMES[0], logits)])[
        f'confidence/{NAMES[0]}'
    ]
    assert png_header(data) == (3, 2, 16, 0)
    image = open_png(data)
    assert image.mode == 'I;16'
    confidence = np.asarray(image)
    assert confidence.tolist() == reference_confidence(PIXELS).tolist()
    # 1/19 (all logits equal) .. 1, on 0..65535.
    assert confidence.min() == 3449 and confidence.max() == 65535


def test_invalid_marks_pixels_below_the_threshold(tmp_path):
    logits = logits_of(PIXELS)
    archive = write(
        tmp_path, [sample(NAMES[0], logits)], invalid_threshold=0.2
    )
    invalid = np.asarray(
        open_png(archive[f'labelTrainIds_invalid/{NAMES[0]}'])
    )
    # p = 1/19, 1/7, 1 / 5/23, 7/25, 3/21: below 0.2 -> 255.
    assert invalid.tolist() == [[255, 255, 5], [7, 12, 255]]
    labels = np.asarray(open_png(archive[f'labelTrainIds/{NAMES[0]}']))
    assert labels.tolist() == [[0, 18, 5], [7, 12, 3]]


@pytest.mark.parametrize('threshold', [-0.1, 1.5])
def test_invalid_threshold_is_a_probability(tmp_path, threshold):
    with pytest.raises(SubmissionError, match=r'in \[0, 1\], got'):
        Evaluator(
            dict(
                type='DarkZurichSubmissionMetric',
                output_dir=str(tmp_path / 'dz'),
                invalid_threshold=threshold,
            )
        )
