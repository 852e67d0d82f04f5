from __future__ import annotations

from typing import get_args

import pytest

from warroom.domain import EvidenceKind, FaultType, RiskLevel, StruckClaim
from warroom.report import label, t
from warroom.report.i18n import EN, ZH

ROLES = ["LogAgent", "DomainAgent", "CodeAgent", "CriticAgent", "RebuttalAgent", "JudgeAgent"]


def test_catalogs_define_the_same_keys() -> None:
    assert set(EN) == set(ZH)


def test_every_chinese_phrase_is_filled_in() -> None:
    assert all(value.strip() for value in ZH.values())


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_catalogs_cover_every_fixed_domain_value(lang: str) -> None:
    struck_reasons = get_args(StruckClaim.model_fields["reason"].annotation)
    wanted = (
        [f"level.{r.value}" for r in RiskLevel]
        + [f"fault.{f.value}" for f in FaultType]
        + [f"kind.{k.value}" for k in EvidenceKind]
        + [f"struck.{r}" for r in struck_reasons]
        + [f"role.{r}" for r in ROLES]
        + ["yes", "no"]
    )
    for key in wanted:
        assert t(key, lang)


def test_role_names_are_chinese_in_zh() -> None:
    assert t("role.LogAgent", "zh") == "日志分析专家"
    assert label("role", "log", "zh") == "日志分析专家"
    assert label("role", "JudgeAgent", "en") == "JudgeAgent"


def test_label_falls_back_to_the_value_it_does_not_know() -> None:
    assert label("fault", "disk_full", "zh") == "disk_full"


def test_unknown_language_is_refused_with_the_choices() -> None:
    with pytest.raises(ValueError, match="en, zh"):
        t("title", "fr")


def test_unknown_key_names_the_key() -> None:
    with pytest.raises(KeyError, match=r"heading\.nope"):
        t("heading.nope", "en")
