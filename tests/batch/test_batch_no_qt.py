"""The batch path never loads Qt: it runs on servers and Dask workers with no display libraries."""

from __future__ import annotations

import ast
import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
BATCH = sorted((ROOT / "policydiff" / "batch").glob("*.py"))


def test_no_batch_module_imports_qt_or_the_gui() -> None:
    assert len(BATCH) >= 5
    for path in BATCH:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else \
                [node.module or ""] if isinstance(node, ast.ImportFrom) else []
            bad = [n for n in names if n.split(".")[0] in ("PySide6", "shiboken6") or n.startswith("policydiff.gui")]
            assert not bad, f"{path.name}: {bad}"
    # relative imports would hide a `..gui`: there are none
    assert not any(isinstance(n, ast.ImportFrom) and n.level for p in BATCH for n in ast.walk(ast.parse(p.read_text())))


PROBE = r"""
import json, logging, sys
from pathlib import Path
from distributed import Client, LocalCluster
from policydiff.__main__ import main
from policydiff.batch.run import run_batch

root = Path(sys.argv[1])
for name, text in {"doc/2020.md": "# A\n\n## One\n\nText.\n", "doc/2021.md": "# A\n\n## One\n\nMore text.\n"}.items():
    (root / name).parent.mkdir(parents=True, exist_ok=True)
    (root / name).write_text(text)
with LocalCluster(n_workers=1, threads_per_worker=1, processes=False,
                  dashboard_address="127.0.0.1:0", silence_logs=logging.ERROR) as cluster, Client(cluster) as client:
    summary = run_batch([str(root)], str(root / "t.csv"), client=client, progress=True, sections=True)
refused = main(["batch", str(root), "--out", str(root / "t.csv")])  # exists: refused, after parsing
loaded = sorted(m for m in sys.modules if m.split(".")[0] in ("PySide6", "shiboken6") or m.startswith("policydiff.gui"))
print(json.dumps({"pairs": summary.pairs, "refused": refused, "loaded": loaded}))
"""


def test_a_batch_run_loads_no_qt(tmp_path: Path) -> None:
    done = subprocess.run([sys.executable, "-c", PROBE, str(tmp_path)], capture_output=True, text=True,
                          timeout=120, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout.strip().splitlines()[-1])
    assert result == {"pairs": 1, "refused": 2, "loaded": []}
