"""Two Ray nodes on this machine (``ray.cluster_utils.Cluster``): with the embedded model every node
runs its own model server, shared by that node's workers, and the records read on the driver's node
reach workers on the other (Ray Data spreads actor workers over the nodes: its default ``SPREAD``)."""

from __future__ import annotations

from pathlib import Path

import pytest

ray = pytest.importorskip("ray")

from ray.cluster_utils import Cluster  # noqa: E402

from extractor.batch import BatchOptions, extract_many  # noqa: E402
from tests.test_ray_engine import articles, embedded, read  # noqa: E402,F401


@pytest.fixture(scope="module")
def two_nodes(embedded: dict[str, str]):
    cluster = Cluster(initialize_head=True, head_node_args={"num_cpus": 2, "include_dashboard": False})
    cluster.add_node(num_cpus=2)
    ray.init(address=cluster.address, log_to_driver=False, runtime_env={"env_vars": embedded})
    yield cluster
    ray.shutdown()
    cluster.shutdown()


def test_every_node_runs_one_model_server_for_its_workers(two_nodes, embedded: dict[str, str], tmp_path: Path,
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    for name, value in embedded.items():
        monkeypatch.setenv(name, value)
    extract_many(articles(40), tmp_path, options=BatchOptions(engine="ray", ray_workers=4, cache=False))
    done, failed, _ = read(tmp_path)
    assert sorted(done) == sorted(f"a{i}" for i in range(40)) and list(failed) == ["empty"]
    assert len(list(Path(embedded["STAND_IN_LAUNCHES"]).iterdir())) == 2
