"""Seconds from ``python tools/train.py CONFIG`` to its first trained
iteration, as a user waits for it: a fresh process per run, imports and
config included, one iteration, in a temporary work dir.

    python tools/analysis/startup_time.py CONFIG [--runs 3]
        [--cfg-options k=v ...]

Prints one JSON line per run: ``first_output_s`` (the first line the run
printed), ``first_iter_s`` (the log line of iteration 1, after which the
run is stopped) and ``warnings`` (Python and mmengine warnings printed
before it).
"""

import argparse
import json
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

TRAIN = Path(__file__).resolve().parents[1] / 'train.py'
# A Python warning ("path:line: UserWarning: ...") or an mmengine one.
WARNING = re.compile(r'\w+Warning: | - WARNING - ')
ONE_ITERATION = [
    'train_cfg.max_iters=1',
    'default_hooks.logger.interval=1',
]


def time_run(config: str, cfg_options: list) -> dict:
    """One ``tools/train.py`` process, timed line by line."""
    with tempfile.TemporaryDirectory() as work_dir:
        command = [sys.executable, '-u', str(TRAIN), config]
        command += ['--work-dir', work_dir, '--cfg-options']
        command += ONE_ITERATION + cfg_options
        start = time.perf_counter()
        process = subprocess.Popen(
            command,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        first_output = first_iter = None
        warnings = 0
        for line in process.stdout:
            now = time.perf_counter() - start
            first_output = first_output or now
            warnings += bool(WARNING.search(line))
            if 'Iter(train) [1/1]' in line:
                first_iter = now
                process.kill()  # the rest (validation) is not start-up
                break
        process.wait()
    if first_iter is None:
        raise SystemExit(f'no iteration logged by: {" ".join(command)}')
    return dict(
        config=config,
        first_output_s=round(first_output, 2),
        first_iter_s=round(first_iter, 2),
        warnings=warnings,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('config')
    parser.add_argument('--runs', type=int, default=3)
    parser.add_argument('--cfg-options', nargs='+', default=[])
    args = parser.parse_args()
    for _ in range(args.runs):
        print(json.dumps(time_run(args.config, args.cfg_options)), flush=True)


if __name__ == '__main__':
    main()
