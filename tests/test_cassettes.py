"""Cassettes hold no secret, Authorization header, client fingerprint or machine path."""

from tests.cassette_config import CASSETTES
from tests.record import audit
from tests.scenarios import SCENARIOS


def test_cassettes_exist_and_pass_the_audit() -> None:
    assert sorted(p.name for p in CASSETTES.glob("*.yaml")) == sorted(s.cassette for s in SCENARIOS)
    assert audit(CASSETTES) == []


def test_audit_catches_a_leaked_key(tmp_path) -> None:
    (tmp_path / "leak.yaml").write_text("headers:\n  Authorization: Bearer sk-abc123456\n")
    problems = audit(tmp_path)
    assert len(problems) >= 2 and all(p.startswith("leak.yaml") for p in problems)
