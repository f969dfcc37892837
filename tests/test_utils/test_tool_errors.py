"""utils.tool_errors: a tool's user error is one line and exit status 2;
the module sits below the layers that share it."""

import ast
from pathlib import Path

import pytest
import torch

from mmseg_pfr.utils.tool_errors import (
    fail,
    require_cuda_for_amp,
    require_device,
    require_file,
)

PACKAGE = Path(__file__).resolve().parents[2] / 'mmseg_pfr'


def test_fail_is_one_error_line_and_status_2(capsys):
    with pytest.raises(SystemExit) as info:
        fail('config a.py does not exist')
    assert info.value.code == 2
    assert capsys.readouterr() == ('', 'error: config a.py does not exist\n')


def test_require_file_names_what_is_missing(tmp_path, capsys):
    present = tmp_path / 'iter_8.pth'
    present.write_bytes(b'')
    require_file(str(present), 'checkpoint')  # no exit
    for path in (tmp_path / 'missing.pth', tmp_path):  # a folder is no file
        with pytest.raises(SystemExit):
            require_file(str(path), 'checkpoint')
        assert capsys.readouterr().err == (
            f'error: checkpoint {path} does not exist\n'
        )


def imported_modules(path: Path) -> set:
    """The absolute names of the package modules that ``path`` imports."""
    package = '.'.join(path.relative_to(PACKAGE.parent).parent.parts)
    names = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom) and node.level:
            base = package.rsplit('.', node.level - 1)[0]
            names.add(f'{base}.{node.module}' if node.module else base)
        elif isinstance(node, ast.ImportFrom):
            names.add(node.module)
        elif isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
    return names


@pytest.mark.parametrize('layer', ['compat', 'datasets', 'utils'])
def test_lower_layers_import_nothing_of_the_tools_layer(layer):
    # datasets/checks.py took require_file from apis/cli.py: the data layer
    # reached up into the tools'.
    offenders = {
        str(path.relative_to(PACKAGE)): sorted(
            name
            for name in imported_modules(path)
            if name.startswith('mmseg_pfr.apis')
        )
        for path in (PACKAGE / layer).rglob('*.py')
    }
    assert {k: v for k, v in offenders.items() if v} == {}


def test_the_tools_layer_still_offers_both():
    from mmseg_pfr.apis import cli

    assert (cli.fail, cli.require_file) == (fail, require_file)


def test_cuda_asked_for_without_cuda_is_one_line(monkeypatch, capsys):
    monkeypatch.setattr(torch.cuda, 'is_available', lambda: False)
    require_device('cpu')  # no exit
    with pytest.raises(SystemExit) as info:
        require_device('cuda:0')
    assert info.value.code == 2
    assert capsys.readouterr().err == (
        f'error: --device cuda:0: torch {torch.__version__} sees no CUDA '
        'device here (a CPU build, or no GPU visible); run with --device '
        'cpu, or install a CUDA build of torch on a GPU machine\n'
    )
    require_cuda_for_amp(None)  # no --amp: no exit
    with pytest.raises(SystemExit):
        require_cuda_for_amp('bf16')
    assert capsys.readouterr().err == (
        "error: --amp bf16 needs a CUDA GPU (mmengine's AmpOptimWrapper "
        'runs only there); on this machine train without --amp\n'
    )


def test_with_cuda_nothing_is_refused(monkeypatch):
    monkeypatch.setattr(torch.cuda, 'is_available', lambda: True)
    require_device('cuda')
    require_cuda_for_amp('fp16')
