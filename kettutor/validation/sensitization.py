"""Targets for sensitization: phenomena S1-S3, fact 10 and issue item 1 (continuous or divided exposure)."""

from __future__ import annotations

from functools import partial

from kettutor import Patient, Regimen

from . import measures as m
from . import sources as s
from .target import Target

S1_DOSE_MG_PER_KG = 0.3  # below the top of the locomotor curve, so a rise can show (the first session ~60 %)

INF = float("inf")
_target = partial(Target, group="Sensitization")


def _im(dose: float, every_days: float, doses: int) -> Regimen:
    return Regimen.repeated(dose_mg_per_kg=dose, route="im", every_days=every_days, doses=doses)


def _infusion(rate: float, hours: float) -> Regimen:
    return Regimen.continuous_infusion(rate_mg_per_kg_per_h=rate, hours=hours)


S1_INTERVALS = ((1.0, "daily"), (3.0, "every 3 days"), (7.0, "weekly"))


def _s1(every_days: float, text: str) -> Target:
    return _target(
        id=f"S1-im-{text.replace(' ', '-')}", phenomenon="fact 10 / S1",
        claim=f"Repeated doses given {text} raise the locomotor/reward response.",
        source=s.TRUJILLO, regimen=f"{S1_DOSE_MG_PER_KG:g} mg/kg IM {text} x 6",
        quantity="last / first session locomotor peak", unit="ratio",
        published="sensitization after >= 5 injections at daily, 3-day and weekly intervals",
        low=1.1, high=INF, evidence="illustrative",
        measure=partial(m.relative_last_session, regimen=_im(S1_DOSE_MG_PER_KG, every_days, 6), effect="locomotor"),
    )


def _s1_similar(patient: Patient) -> float:
    daily, every3 = (m.relative_last_session(patient, _im(S1_DOSE_MG_PER_KG, every, 6), "locomotor") for every in (1.0, 3.0))
    return daily - every3


# issue item 1: continuous or divided exposure against the same amount given intermittently
S2_SCHEDULES = (
    ("S2-infusion-0.25-for-48h", _infusion(0.25, 48.0), "continuous IV 0.25 mg/kg/h for 48 h"),
    ("S2-infusion-0.5-for-24h", _infusion(0.5, 24.0), "continuous IV 0.5 mg/kg/h for 24 h"),
    ("S2-infusion-0.1-for-96h", _infusion(0.1, 96.0), "continuous IV 0.1 mg/kg/h for 96 h"),
    ("S2-divided-2-a-day", _im(0.75, 0.5, 14), "1.5 mg/kg/day as 2 x 0.75 mg/kg IM, 7 days"),
    ("S2-divided-3-a-day", _im(0.5, 1.0 / 3.0, 21), "1.5 mg/kg/day as 3 x 0.5 mg/kg IM, 7 days"),
)
EVERY_2_DAYS_SAME_AMOUNT = _im(3.0, 2.0, 4)
ROCHA_DESIGN = _im(1.0, 1.0 / 3.0, 21)  # every 8 h for 7 days (rats: 32 mg/kg i.p.)


def _app_numbers(patient: Patient, weekly_mg_per_kg: float | None) -> dict:
    """The intermittent-versus-continuous app's readout with its weekly-amount slider at ``weekly_mg_per_kg``
    (``None``: the top of the slider)."""
    from kettutor.teach.apps import intermittent_vs_continuous  # widgets load only when this target runs

    app = intermittent_vs_continuous(patient)
    slider = app.controls["weekly_mg_per_kg"]
    slider.value = slider.max if weekly_mg_per_kg is None else weekly_mg_per_kg
    return dict(app.numbers)


def _app_value(name: str, weekly_mg_per_kg: float | None = None):
    return lambda p: _app_numbers(p, weekly_mg_per_kg)[name] / 100.0


S3_COURSE = _im(1.0, 3.0, 6)

TARGETS: tuple[Target, ...] = (
    # ----- S1 / fact 10 -------------------------------------------------------------------------------------
    *(_s1(every, text) for every, text in S1_INTERVALS),
    _target(
        id="S1-similar-across-intervals", phenomenon="fact 10 / S1",
        claim="Daily and every-3-day dosing sensitize by a similar amount.",
        source=s.TRUJILLO, regimen="1 mg/kg IM x 6, daily vs every 3 days",
        quantity="relative locomotor response, daily - every 3 days", unit="fraction of first",
        published="similar magnitude (rats)", low=-0.1, high=0.1, evidence="illustrative", measure=_s1_similar,
    ),
    # ----- S2 / issue item 1 --------------------------------------------------------------------------------
    *(
        _target(
            id=target_id, phenomenon="S2 / issue item 1",
            claim="Continuous or divided exposure tolerates the locomotor/reward response instead of sensitizing it.",
            source=f"{s.SEEDS}; {s.EKBLOM_1993}", regimen=f"{text}; default challenge 1 day after the end",
            quantity="challenge response / drug-naive response", unit="ratio",
            published="tolerance, the opposite of intermittent dosing (direction only)", low=0.0, high=0.999,
            evidence="illustrative", measure=partial(m.challenge_after_end, pretreatment=regimen),
        )
        for target_id, regimen, text in S2_SCHEDULES
    ),
    _target(
        id="S1-S2-same-amount-every-2-days", phenomenon="S1, S2 / issue item 1",
        claim="The same amount given at once every 2 days still sensitizes.",
        source=f"{s.TRUJILLO}; {s.SEEDS}", regimen="3 mg/kg IM every 2 days x 4; default challenge 1 day after the end",
        quantity="challenge response / drug-naive response", unit="ratio", published="sensitization (direction only)",
        low=1.001, high=INF, evidence="illustrative", measure=partial(m.challenge_after_end, pretreatment=EVERY_2_DAYS_SAME_AMOUNT),
    ),
    _target(
        id="S2-app-continuous-dissociative", phenomenon="S2 / issue item 1",
        claim="The intermittent-versus-continuous app shows tolerance for the continuous arm at its largest amount.",
        source=f"{s.SEEDS}; {s.EKBLOM_1993}",
        regimen="app: 21 mg/kg a week, continuous infusion for 7 days (~100 ng/mL); challenge 1 day later",
        quantity="challenge response / drug-naive response", unit="ratio", published="tolerance (direction only)",
        low=0.0, high=0.999, evidence="illustrative", measure=_app_value("continuous infusion"),
    ),
    _target(
        id="S1-app-once-daily-dissociative", phenomenon="S1 / issue item 1",
        claim="The same app shows sensitization for once-daily dissociative doses.",
        source=s.TRUJILLO, regimen="app: 7 mg/kg a week, 1 mg/kg IV over 40 min once a day for 7 days; challenge 1 day later",
        quantity="challenge response / drug-naive response", unit="ratio", published="sensitization (direction only)",
        low=1.001, high=INF, evidence="illustrative", measure=_app_value("once a day", 7.0),
    ),
    _target(
        id="S1-app-every-2-days-dissociative", phenomenon="S1 / issue item 1",
        claim="At the app's largest amount, the same weekly amount given every 2 days still sensitizes.",
        source=s.TRUJILLO, regimen="app: 21 mg/kg a week, 5.25 mg/kg IV over 40 min every 2 days x 4 (the same 21 mg/kg); challenge 1 day later",
        quantity="challenge response / drug-naive response", unit="ratio", published="sensitization (direction only)",
        low=1.001, high=INF, evidence="illustrative", measure=_app_value("every 2 days"),
    ),
    # ----- S3 / fact 10 -------------------------------------------------------------------------------------
    _target(
        id="S3-sensitized-after-2-weeks-off", phenomenon="fact 10 / S3",
        claim="Two weeks after an intermittent course the challenge response is still at or above naive.",
        source=s.ROCHA_1996, regimen="1 mg/kg IM every 3 days x 6; default challenge 14 days after the last dose",
        quantity="challenge response / drug-naive response", unit="ratio",
        published="sensitivity increased after a 2-week drug-free period", low=1.0, high=INF, evidence="illustrative",
        measure=partial(m.challenge_after_end, pretreatment=S3_COURSE, gap_days=14.0),
    ),
    _target(
        id="S3-tolerance-decays-in-2-weeks", phenomenon="fact 10 / S3",
        claim="Over the same two weeks, tolerance has largely decayed.",
        source=s.ROCHA_1996, regimen="1 mg/kg IM every 3 days x 6; 14 days off",
        quantity="tolerance after 14 days / half a day after the last dose", unit="ratio",
        published="tolerance largely gone (direction only)", low=0.0, high=0.25, evidence="illustrative",
        measure=partial(m.tolerance_left_after_break, regimen=S3_COURSE, break_days=14.0),
    ),
    _target(
        id="fact10-rocha-end-no-shift", phenomenon="fact 10",
        claim="A week of dosing every 8 h leaves the subjective dose-response without a twofold shift.",
        source=s.ROCHA_1996, regimen="1 mg/kg IM every 8 h for 7 days (rats: 32 mg/kg i.p.); read 8 h after the last dose",
        quantity="locomotor/reward EC50 change from baseline (the subjective, discriminative effect)", unit="%",
        published="no shift in the discriminative dose-response", low=-50.0, high=100.0, evidence="measured",
        measure=partial(m.ec50_change_after_last_dose, regimen=ROCHA_DESIGN, effect="locomotor", after_days=1.0 / 3.0),
    ),
    _target(
        id="fact10-rocha-rest-left-shift", phenomenon="fact 10",
        claim="After a two-week rest the same design leaves the patient more sensitive, not less.",
        source=s.ROCHA_1996, regimen="1 mg/kg IM every 8 h for 7 days, then 14 days off",
        quantity="locomotor/reward EC50 change from baseline", unit="%",
        published="2-fold leftward shift after a 2-week rest", low=-INF, high=0.0, evidence="measured",
        measure=partial(m.ec50_change_after_last_dose, regimen=ROCHA_DESIGN, effect="locomotor", after_days=14.0),
    ),
)
