"""``bulletin render --scheduler``: the same issue, rendered one notebook per task on a Dask cluster."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from render_helpers import bulletin, small_data, write_notebook

distributed = pytest.importorskip("distributed")

pytestmark = pytest.mark.slow

CHART = (
    "from bulletin.data.tables import load_table\n"
    "from bulletin.publish import report\n"
    "import matplotlib.pyplot as plt\n"
    "rows = load_table('seizures_quarterly', data_dir)\n"
    "report.record_figure('kg_' + NAME, float(rows.kg.sum()), 'kg', quarter, 'reconstructed')\n"
    "fig, ax = plt.subplots()\n"
    "ax.bar(rows.country, rows.kg)\n"
    "report.show_text(f'{len(rows)} rows')"
)


def _without_time(html: str) -> str:
    return re.sub(r"on \d{4}-\d\d-\d\d \d\d:\d\d UTC", "on <time>", html)


def test_dask_renders_the_same_files_as_the_local_engine(tmp_path: Path):
    notebooks, data = tmp_path / "nb", small_data(tmp_path / "data")
    for name in ("01_first", "02_second", "03_third"):
        write_notebook(notebooks, name, f"NAME = {name!r}\n" + CHART)
    common = ["render", "--quarter", "2017Q2", "--data-dir", str(data), "--notebooks-dir", str(notebooks)]
    # Folders of the same name: the front page names an issue folder rendered outside reports/.
    local_dir, dask_dir = tmp_path / "local" / "issue", tmp_path / "dask" / "issue"
    local = bulletin(*common, "--out", str(local_dir))
    assert local.returncode == 0, local.stderr

    with distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=False, protocol="tcp", host="127.0.0.1",
        scheduler_port=0, dashboard_address=None,
    ) as cluster:
        remote = bulletin(*common, "--out", str(dask_dir), "--scheduler", cluster.scheduler_address)
        assert remote.returncode == 0, remote.stderr
        # The tasks ran on the cluster's workers.
        with distributed.Client(cluster.scheduler_address) as client:
            assert sum(len(tasks) for tasks in client.processing().values()) == 0
            assert cluster.scheduler.task_prefixes.get("run_task_on_worker") is not None

    local_files = sorted(p.name for p in local_dir.iterdir())
    dask_files = sorted(p.name for p in dask_dir.iterdir())
    assert local_files == dask_files
    for name in ("figures.json", "claims.json"):
        assert (local_dir / name).read_text() == (dask_dir / name).read_text()
    for name in local_files:
        if name.endswith(".html"):
            local_page = _without_time((local_dir / name).read_text())
            dask_page = _without_time((dask_dir / name).read_text())
            assert local_page == dask_page, name
    record = json.loads((dask_dir / "run.json").read_text())
    assert record["scheduler"] == cluster.scheduler_address
    assert all(n["data_read"] == {"seizures_quarterly.csv": record["tables"]["seizures_quarterly.csv"]}
               for n in record["notebooks"])
