"""Targets for the antidepressant effect: fact 5, phenomenon K4 and issue item 4."""

from __future__ import annotations

from functools import partial

from kettutor import Patient, Regimen

from . import measures as m
from . import sources as s
from .target import Target

INF = float("inf")
_target = partial(Target, group="Antidepressant effect")

STANDARD_INFUSION = Regimen.single(dose_mg_per_kg=0.5, infusion_min=40)
DOUBLE_INFUSION = Regimen.single(dose_mg_per_kg=1.0, infusion_min=40)


def _fava_ratio(patient: Patient) -> float:
    """g 24 h after 1.0 mg/kg over 40 min relative to g after 0.5 mg/kg over 40 min."""
    return m.antidepressant_at_h(patient, DOUBLE_INFUSION, 24.0) / m.antidepressant_at_h(patient, STANDARD_INFUSION, 24.0)


def _esketamine_day_28(dose_mg: int):
    regimen = Regimen.esketamine_spray(dose_mg, every_days=3.5, doses=8)
    return lambda p: m.antidepressant_at_h(p, regimen, 28.0 * 24.0)


TARGETS: tuple[Target, ...] = (
    # ----- fact 5 / K4: one infusion --------------------------------------------------------------------
    _target(
        id="K4-measurable-by-2h", phenomenon="fact 5 / K4",
        claim="The benefit of one infusion is measurable within two hours.",
        source=f"{s.KISHIMOTO_2016}; {s.ZARATE_2006}", regimen="0.5 mg/kg IV over 40 min",
        quantity="g 2 h after the start", unit="Hedges g", published="measurable from 40 min-2 h",
        low=0.2, high=INF, evidence="measured", measure=partial(m.antidepressant_at_h, regimen=STANDARD_INFUSION, hours=2.0),
    ),
    _target(
        id="K4-item4-measurable-by-60min", phenomenon="fact 5 / K4 / issue item 4",
        claim="The benefit is already measurable 40-60 min after the infusion starts.",
        source=s.KISHIMOTO_2016, regimen="0.5 mg/kg IV over 40 min",
        quantity="g 60 min after the start", unit="Hedges g", published="superior to comparator from 40 min",
        low=0.2, high=INF, evidence="measured", measure=partial(m.antidepressant_at_h, regimen=STANDARD_INFUSION, hours=1.0),
    ),
    _target(
        id="K4-peak-near-24h", phenomenon="fact 5 / K4",
        claim="The benefit peaks on the first day.",
        source=s.KISHIMOTO_2016, regimen="0.5 mg/kg IV over 40 min", quantity="time of peak g", unit="h",
        published="peak on day 1", low=18.0, high=30.0, evidence="measured",
        measure=partial(m.antidepressant_peak_time_h, regimen=STANDARD_INFUSION),
    ),
    _target(
        id="K4-peak-size", phenomenon="fact 5 / K4",
        claim="At its peak the benefit is about one standard deviation over placebo.",
        source=s.KISHIMOTO_2016, regimen="0.5 mg/kg IV over 40 min", quantity="peak g", unit="Hedges g",
        published="g = 1.00 on day 1", low=0.85, high=1.15, evidence="measured",
        measure=partial(m.antidepressant_peak, regimen=STANDARD_INFUSION), published_value=1.0, chart="ratio",
    ),
    _target(
        id="K4-present-at-1-week", phenomenon="fact 5 / K4",
        claim="The benefit is still present a week later.",
        source=s.ZARATE_2006, regimen="0.5 mg/kg IV over 40 min", quantity="g on day 7", unit="Hedges g",
        published="significant for 1 week", low=0.2, high=INF, evidence="measured",
        measure=partial(m.antidepressant_at_h, regimen=STANDARD_INFUSION, hours=7 * 24.0),
    ),
    _target(
        id="K4-lost-by-day-12", phenomenon="fact 5 / K4",
        claim="The benefit is lost by days 10-12.",
        source=s.KISHIMOTO_2016, regimen="0.5 mg/kg IV over 40 min", quantity="g on day 12", unit="Hedges g",
        published="superiority lost by days 10-12", low=0.0, high=0.2, evidence="measured",
        measure=partial(m.antidepressant_at_h, regimen=STANDARD_INFUSION, hours=12 * 24.0),
    ),
    _target(
        id="K4-outlasts-the-drug", phenomenon="fact 5 / K4",
        claim="On day 3 the drug has left the plasma but most of the benefit remains.",
        source=f"{s.KISHIMOTO_2016}; {s.DIAZGRANADOS_2010}", regimen="0.75 mg/kg IV over 40 min",
        quantity="g on day 3 / peak g (0 if plasma is not yet < 1 % of its peak)", unit="fraction",
        published="benefit outlasts plasma ketamine by days", low=0.5, high=INF, evidence="measured",
        measure=partial(m.antidepressant_outlasts_drug, regimen=Regimen.single(dose_mg_per_kg=0.75, infusion_min=40), day=3.0),
    ),
    # ----- issue item 4 ---------------------------------------------------------------------------------
    _target(
        id="item4-fava-dose-plateau", phenomenon="K4 / issue item 4",
        claim="Doubling the infusion dose barely changes the day-1 benefit.",
        source=s.FAVA_2018, regimen="1.0 vs 0.5 mg/kg IV over 40 min", quantity="g at 24 h, 1.0 / 0.5 mg/kg",
        unit="ratio", published="0.5 and 1.0 mg/kg similar, both superior to midazolam", low=0.8, high=1.2,
        evidence="measured", measure=_fava_ratio, published_value=1.0, chart="ratio",
    ),
    _target(
        id="item4-repeated-sessions-bounded", phenomenon="T5 / issue item 4",
        claim="Twelve twice-weekly sessions do not grow the benefit far above one session's.",
        source=f"{s.TRANSFORM2_POST_HOC}; {s.KISHIMOTO_2016}", regimen="0.5 mg/kg IV over 40 min twice weekly x 12",
        quantity="largest session peak g / first session peak g", unit="ratio",
        published="benefit maintained, not multiplied", low=0.0, high=1.5, evidence="illustrative",
        measure=partial(m.largest_session_peak_relative_to_first, regimen=Regimen.repeated(
            dose_mg_per_kg=0.5, infusion_min=40, every_days=3.5, doses=12), effect="antidepressant"),
    ),
    _target(
        id="item4-chronic-daily-antidepressant-tolerance", phenomenon="T5 / issue item 4",
        claim="Three months of daily dosing can wear the antidepressant benefit down.",
        source=f"{s.SEEDS} (seed 002: chronic daily ketamine diminished the antidepressant-like response)",
        regimen="0.75 mg/kg IV over 60 min daily x 90",
        quantity="mean g peak of the last 7 sessions / g peak of session 14", unit="ratio",
        published="diminished response with chronic daily use (direction only)", low=0.0, high=0.98,
        evidence="illustrative",
        measure=partial(m.late_to_early_session_peaks, regimen=Regimen.repeated(
            dose_mg_per_kg=0.75, infusion_min=60, every_days=1, doses=90), effect="antidepressant",
            early_session=14, late_sessions=7),
    ),
    *(
        _target(
            id=f"item4-esketamine-{dose}mg-day-28", phenomenon="K4 / issue item 4",
            claim=f"The twice-weekly {dose} mg spray induction gives a day-28 benefit of the size trials report.",
            source=s.ESKETAMINE_META, regimen=f"esketamine spray {dose} mg twice weekly x 8 (days 0-24.5); read on day 28",
            quantity="g on day 28", unit="Hedges g",
            published="effect size 0.15-0.41 at weeks 2-4 (upper 95 % CI 0.58); TRANSFORM-2 MADRS -4.0 points",
            low=0.15, high=0.6, evidence="measured", measure=_esketamine_day_28(dose), published_value=0.3, chart="ratio",
        )
        for dose in (56, 84)
    ),
)
