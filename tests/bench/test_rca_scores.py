import json
from pathlib import Path

from warroom.bench.rca_scores import (
    ScoredCase,
    as_at_k,
    fault_type_accuracy,
    load_locations,
    location_accuracy,
    location_hit,
    normalise_location,
)


def _case(
    service: str,
    ranking: list[str],
    ft: str = "return",
    got: str = "return",
    loc: str | None = None,
) -> ScoredCase:
    return ScoredCase(service, ft, ranking, got, loc)


def test_as_at_k_counts_true_service_within_first_k() -> None:
    cases = [_case("a", ["a", "b"]), _case("b", ["a", "b", "c"]), _case("c", ["a", "b", "x"])]
    assert as_at_k(cases, 1) == 1 / 3
    assert as_at_k(cases, 2) == 2 / 3
    assert as_at_k(cases, 5) == 2 / 3


def test_scores_of_no_cases_are_none_not_zero() -> None:
    assert as_at_k([], 1) is None
    assert fault_type_accuracy([]) is None
    assert location_accuracy([], {}) is None


def test_fault_type_accuracy_compares_reported_with_true_type() -> None:
    cases = [_case("a", ["a"], "return", "return"), _case("a", ["a"], "exception", "return")]
    assert fault_type_accuracy(cases) == 0.5


def test_location_matches_by_simple_class_name_and_line() -> None:
    assert normalise_location("fdse.microservice.service.BasicServiceImpl#405") == (
        "BasicServiceImpl#405"
    )
    truth = {"svc": {"return": frozenset({"BasicServiceImpl#405", "BasicServiceImpl#418"})}}
    assert location_hit(_case("svc", [], loc="f.m.s.BasicServiceImpl#418"), truth) is True
    assert location_hit(_case("svc", [], loc="f.m.s.BasicServiceImpl#419"), truth) is False
    assert location_hit(_case("svc", [], loc=None), truth) is False


def test_location_accuracy_skips_cases_without_a_true_location() -> None:
    truth = {"svc": {"return": frozenset({"Impl#1"})}}
    cases = [_case("svc", [], loc="x.Impl#1"), _case("other", [], ft="network_delay")]
    assert location_accuracy(cases, truth) == 1.0


def test_load_locations_keeps_only_code_lines(tmp_path: Path) -> None:
    path = tmp_path / "root_cause_ts.json"
    path.write_text(
        json.dumps(
            {
                "svc": {
                    "return": "a.b.Impl#31_a.b.Impl#34",
                    "cpu_contention": "CpuUsageRate(%)",
                    "exception": "Controller.query start_r.c.Controller#53",
                }
            }
        )
    )
    truth = load_locations(path)
    assert truth["svc"]["return"] == {"Impl#31", "Impl#34"}
    assert truth["svc"]["exception"] == {"Controller#53"}
    assert "cpu_contention" not in truth["svc"]
