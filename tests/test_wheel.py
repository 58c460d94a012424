"""The installed distribution: built as a wheel, installed into a fresh venv, it replays the sample
cassette and gives the in-tree result. No top-level ``schemas`` or ``prompts`` reach site-packages."""

from __future__ import annotations

import json
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

import pytest

from extractor import Extractor, read_article_file, resolve_endpoint
from tests.cassette_config import CASSETTES, cassette
from tests.scenarios import SAMPLE

ROOT = Path(__file__).resolve().parent.parent
OFFLINE = "http://127.0.0.1:9/v1"
REPLAY = """
import json, sys, vcr
import extractor
from extractor import Extractor, read_article_file, resolve_endpoint
cassette, article = sys.argv[1:]
recorder = vcr.VCR(record_mode="none", match_on=["method", "path", "body"], decode_compressed_response=True)
with recorder.use_cassette(cassette, allow_playback_repeats=True):
    with Extractor(resolve_endpoint(backend="local").with_base_url("%s")) as ex:
        result = ex.extract(read_article_file(article))
print(json.dumps({"module": extractor.__file__, "result": json.loads(result.model_dump_json())}))
""" % OFFLINE


def _comparable(result: dict) -> dict:
    result["provenance"].pop("wall_time_s")
    return result


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("dist")
    subprocess.run([sys.executable, "-m", "build", "--wheel", "--no-isolation", "--outdir", str(out), str(ROOT)],
                   check=True, capture_output=True)
    (built,) = out.glob("news_extractor-*.whl")
    return built


def test_the_wheel_ships_schemas_and_prompts_inside_the_package(wheel: Path) -> None:
    names = zipfile.ZipFile(wheel).namelist()
    tops = {name.split("/")[0] for name in names if not name.split("/")[0].endswith(".dist-info")}
    assert tops == {"extractor"}
    assert {"extractor/schemas/output.py", "extractor/schemas/response.py", "extractor/prompts/entities.j2",
            "extractor/prompts/events.j2", "extractor/prompts/_article.j2"} <= set(names)


def test_the_wheel_is_typed_and_its_version_is_the_projects(wheel: Path) -> None:
    import tomllib

    import extractor

    assert "extractor/py.typed" in zipfile.ZipFile(wheel).namelist()
    declared = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["version"]
    assert wheel.name.startswith(f"news_extractor-{declared}-")
    assert extractor.__version__ == declared


def test_the_installed_wheel_replays_the_sample_like_the_source_tree(wheel: Path, tmp_path: Path) -> None:
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    python = venv / "bin" / "python"
    subprocess.run([sys.executable, "-m", "pip", "--python", str(python), "install", "--quiet", "--no-deps",
                    "--no-index", "--disable-pip-version-check", str(wheel)], check=True)
    site = Path(subprocess.run([str(python), "-c", "import sysconfig; print(sysconfig.get_path('purelib'))"],
                               check=True, capture_output=True, text=True).stdout.strip())
    assert not (site / "schemas").exists() and not (site / "prompts").exists()
    # The dependencies (not the project) come from the test environment's site-packages.
    (site / "test_dependencies.pth").write_text(sysconfig.get_path("purelib") + "\n")

    replay = subprocess.run([str(python), "-I", "-c", REPLAY, str(CASSETTES / SAMPLE.cassette), str(SAMPLE.article)],
                            cwd=tmp_path, check=True, capture_output=True, text=True)
    installed = json.loads(replay.stdout)
    assert Path(installed["module"]).is_relative_to(site)

    article = read_article_file(SAMPLE.article, **SAMPLE.meta)
    with cassette(SAMPLE.cassette), Extractor(resolve_endpoint(backend="local").with_base_url(OFFLINE)) as ex:
        in_tree = json.loads(ex.extract(article).model_dump_json())
    assert _comparable(installed["result"]) == _comparable(in_tree)
    assert len(in_tree["quotes"]) > 5 and len(in_tree["events"]) > 5
