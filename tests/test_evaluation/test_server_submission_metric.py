"""What every test-server archive does (ServerSubmissionMetric, through
ACDCSubmissionMetric): refuses to replace an archive unless told, loses
nothing when killed, zips exactly this run's PNGs, and refuses runs a
server could not score."""

import zipfile

import pytest
import torch
from mmengine.evaluator import Evaluator
from test_evaluation.server_layouts import ACDC_TEST, names, read_archive
from test_evaluation.test_dark_zurich_submission_metric import sample

from mmseg_pfr.evaluation import SubmissionError, SubmissionExistsError

NAMES = names(ACDC_TEST)
FIRST_TWO = sorted(f'labelTrainIds/{n}' for n in NAMES[:2])


def metric(tmp_path, **kwargs) -> Evaluator:
    return Evaluator(
        dict(
            type='ACDCSubmissionMetric',
            output_dir=str(tmp_path / 'acdc'),
            **kwargs,
        )
    )


def run(evaluator: Evaluator, logits: torch.Tensor, count: int = 2) -> None:
    evaluator.process([sample(n, logits) for n in NAMES[:count]])
    evaluator.evaluate(count)


def test_an_existing_archive_is_refused_before_any_prediction(tmp_path):
    zip_path = tmp_path / 'acdc.zip'
    zip_path.write_bytes(b'earlier submission')
    with pytest.raises(SubmissionExistsError) as info:
        metric(tmp_path)
    assert str(info.value) == (
        f'{zip_path} exists: ACDCSubmissionMetric does not replace it '
        'unless test_evaluator.overwrite=True (--cfg-options '
        'test_evaluator.overwrite=True); or set another '
        'test_evaluator.output_dir'
    )
    assert zip_path.read_bytes() == b'earlier submission'
    run(metric(tmp_path, overwrite=True), torch.zeros(19, 2, 2))
    assert sorted(read_archive(zip_path)) == FIRST_TWO


def test_a_run_killed_while_zipping_leaves_the_old_archive(
    tmp_path, monkeypatch
):
    zip_path = tmp_path / 'acdc.zip'
    zip_path.write_bytes(b'earlier submission')
    evaluator = metric(tmp_path, overwrite=True)

    def killed(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(zipfile.ZipFile, 'write', killed)
    with pytest.raises(KeyboardInterrupt):
        run(evaluator, torch.zeros(19, 2, 2))
    assert zip_path.read_bytes() == b'earlier submission'
    # The predictions are on disk, whole, for a rerun to replace.
    assert sorted(p.name for p in (tmp_path / 'acdc').rglob('*.png')) == (
        sorted(NAMES[:2])
    )


def test_keep_results_keeps_exactly_the_zipped_pngs(tmp_path):
    stale = tmp_path / 'acdc' / 'labelTrainIds' / NAMES[3]
    stale.parent.mkdir(parents=True)
    stale.write_bytes(b'from a killed run on other images')
    run(metric(tmp_path, keep_results=True), torch.zeros(19, 2, 2))
    archive = read_archive(tmp_path / 'acdc.zip')
    assert sorted(archive) == FIRST_TWO
    for name, data in archive.items():
        assert (tmp_path / 'acdc' / name).read_bytes() == data
    assert stale.exists()


def test_without_keep_results_only_other_files_stay(tmp_path):
    stale = tmp_path / 'acdc' / 'labelTrainIds' / NAMES[3]
    stale.parent.mkdir(parents=True)
    stale.write_bytes(b'from a killed run on other images')
    run(metric(tmp_path), torch.zeros(19, 2, 2))
    assert [p.name for p in (tmp_path / 'acdc').rglob('*.png')] == [NAMES[3]]
    stale.unlink()
    run(metric(tmp_path, overwrite=True), torch.zeros(19, 2, 2))
    assert not (tmp_path / 'acdc').exists()


def test_images_outside_the_layout_are_refused(tmp_path):
    name = 'frankfurt_000000_000294_leftImg8bit.png'
    evaluator = metric(tmp_path)
    with pytest.raises(SubmissionError) as info:
        evaluator.process([sample(name, torch.zeros(19, 2, 2))])
    assert str(info.value) == (
        f'data/rgb_anon/test/night/x/{name}: not named as the ACDC images '
        'are (<sequence>_frame_<6 digits>_rgb_anon.png); the server finds '
        'each prediction by that name: point the test data loader at the '
        "dataset's rgb_anon folders"
    )


def test_a_model_of_other_classes_is_refused(tmp_path):
    evaluator = metric(tmp_path)
    with pytest.raises(SubmissionError, match='this model predicts 4$'):
        evaluator.process([sample(NAMES[0], torch.zeros(4, 2, 2))])
    assert not (tmp_path / 'acdc').exists()
