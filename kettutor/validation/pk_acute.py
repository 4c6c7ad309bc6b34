"""Targets for pharmacokinetics and acute effects: facts 1, 3, 4, 6, 7 and 8; phenomena K1, K2, K3 and K5."""

from __future__ import annotations

from functools import partial

from kettutor import Patient, Regimen

from . import measures as m
from . import sources as s
from .target import Target

INF = float("inf")
_target = partial(Target, group="PK and acute effects")

BOLUS_2 = Regimen.single(dose_mg_per_kg=2.0)
BOLUS_1 = Regimen.single(dose_mg_per_kg=1.0)
BOLUS_1_5 = Regimen.single(dose_mg_per_kg=1.5)
STANDARD_INFUSION = Regimen.single(dose_mg_per_kg=0.5, infusion_min=40)
SPRAY_56 = Regimen.esketamine_spray(56)
SPRAY_84 = Regimen.esketamine_spray(84)
ROUTE_DOSE_MG = 50.0


def _by_route(route: str) -> Regimen:
    return Regimen.single(dose_mg=ROUTE_DOSE_MG, route=route)


def _ranking_margin(patient: Patient) -> float:
    """Smallest AUC ratio between neighbours in the ranking IV > IM > IN > SL/rectal > oral."""
    auc = {
        route: m.run(patient, _by_route(route), days=3).exposure().auc_mg_h_per_l
        for route in ("iv_bolus", "im", "intranasal", "sublingual", "rectal", "oral")
    }
    return float(min(
        auc["iv_bolus"] / auc["im"],
        auc["im"] / auc["intranasal"],
        auc["intranasal"] / max(auc["sublingual"], auc["rectal"]),
        min(auc["sublingual"], auc["rectal"]) / auc["oral"],
    ))


ORAL_HALF = Regimen.single(dose_mg_per_kg=0.5, route="oral")
IV_HALF = Regimen.single(dose_mg_per_kg=0.5, infusion_min=40)


def _auc_ratio(regimen: Regimen, comedication: str):
    return lambda p: m.exposure_ratio(p, regimen, (comedication,), "auc_mg_h_per_l")


# route, published F text, central F, accepted F range, F source, Tmax text, Tmax range (min), Tmax source
ROUTE_TABLE = (
    ("im", "93 % (secondary); 90 % in dogs", 0.93, (0.90, 0.96), s.IM_SECONDARY,
     "5-15 min (secondary); ~20 min", (5.0, 20.0), s.IM_SECONDARY),
    ("intranasal", "~45 % (25-50 %, secondary)", 0.45, (0.25, 0.50), s.YANAGIHARA_2003,
     "14-23 min", (14.0, 25.0), s.PHARMACOTHERAPY_2022),
    ("sublingual", "29 % (90 % CI 27-31); 32 +/- 17 %", 0.30, (0.25, 0.35), f"{s.ROLAN_2014}; {s.CHONG_2006}",
     "0.75 h (0.25-1.0 h)", (15.0, 60.0), s.ROLAN_2014),
    ("rectal", "~30 %", 0.30, (0.25, 0.35), s.YANAGIHARA_2003,
     "~40 min (dogs)", (20.0, 60.0), s.JANTZEN_1985),
    ("oral", "~20 % (17-23 %)", 0.20, (0.15, 0.25), f"{s.YANAGIHARA_2003}; {s.CHONG_2006}",
     "0.96 h (Chong); ~30 min (secondary)", (30.0, 90.0), s.CHONG_2006),
)

ROUTE_TARGETS = tuple(
    target
    for route, f_text, f_value, f_range, f_source, t_text, t_range, t_source in ROUTE_TABLE
    for target in (
        _target(
            id=f"K3-bioavailability-{route.replace('_', '-')}", phenomenon="fact 7 / K3",
            claim=f"The {route} route delivers its published share of the dose.",
            source=f_source, regimen=f"{ROUTE_DOSE_MG:g} mg {route}, single dose", quantity="bioavailability F",
            unit="fraction", published=f_text, low=f_range[0], high=f_range[1], evidence="measured",
            measure=partial(m.bioavailability, regimen=_by_route(route)), published_value=f_value, chart="bioavailability",
        ),
        _target(
            id=f"K3-tmax-{route.replace('_', '-')}", phenomenon="fact 7 / K3",
            claim=f"Plasma ketamine peaks at the tabulated time after {route} dosing.",
            source=t_source, regimen=f"{ROUTE_DOSE_MG:g} mg {route}, single dose", quantity="Tmax",
            unit="min", published=t_text, low=t_range[0], high=t_range[1], evidence="measured",
            measure=partial(m.tmax_min, regimen=_by_route(route)), chart="tmax",
        ),
    )
)

TARGETS: tuple[Target, ...] = (
    # ----- fact 1 / K1: anaesthetic bolus ---------------------------------------------------------------
    _target(
        id="K1-bolus-onset", phenomenon="fact 1 / K1",
        claim="A 2 mg/kg IV induction anaesthetises within half a minute.",
        source=f"{s.KETALAR}; {s.DOMINO_1965}", regimen="2 mg/kg IV bolus", quantity="time to anaesthesia >= 50 %",
        unit="min", published="within 30 s (label); < 1 min (Domino 1965)", low=0.0, high=0.5, evidence="measured",
        measure=partial(m.anaesthesia_onset_min, regimen=BOLUS_2),
    ),
    _target(
        id="K1-bolus-1mgkg-onset", phenomenon="fact 1 / K1",
        claim="The lowest induction dose also anaesthetises within a minute.",
        source=s.DOMINO_1965, regimen="1 mg/kg IV bolus", quantity="time to anaesthesia >= 50 %",
        unit="min", published="< 1 min for 1-2 mg/kg", low=0.0, high=1.0, evidence="measured",
        measure=partial(m.anaesthesia_onset_min, regimen=BOLUS_1),
    ),
    _target(
        id="K1-bolus-awakening-offset", phenomenon="fact 1 / K1",
        claim="After 2 mg/kg IV the effect-site level is back below the awakening level within 5-20 min.",
        source=f"{s.KETALAR}; {s.IDVALL_1979}", regimen="2 mg/kg IV bolus",
        quantity="time until Ce < 0.64 ug/mL", unit="min",
        published="anaesthesia lasts 5-10 min; fact 1 band 5-20 min", low=5.0, high=20.0, evidence="measured",
        measure=partial(m.effect_site_offset_min, regimen=BOLUS_2, level_mg_per_l=0.64),
    ),
    _target(
        id="K1-bolus-1.5mgkg-duration", phenomenon="fact 1 / K1",
        claim="A mid-range induction dose keeps the patient anaesthetised for minutes, not tens of minutes.",
        source=s.DOMINO_1965, regimen="1.5 mg/kg IV bolus", quantity="time anaesthetised (>= 50 %)",
        unit="min", published="effect 5-10 min, recovery ~10 min (1-2 mg/kg)", low=4.0, high=20.0, evidence="measured",
        measure=partial(m.anaesthesia_duration_min, regimen=BOLUS_1_5),
    ),
    # ----- fact 3 / K2: antidepressant infusion -----------------------------------------------------------
    _target(
        id="K2-infusion-peak", phenomenon="fact 3 / K2",
        claim="The antidepressant infusion peaks in the dissociative range, far below anaesthetic levels.",
        source=s.ZANOS_2018, regimen="0.5 mg/kg IV over 40 min", quantity="plasma Cmax", unit="ng/mL",
        published="~185 ng/mL; fact 3 band 150-300", low=150.0, high=300.0, evidence="measured",
        measure=partial(m.cmax_ng_per_ml, regimen=STANDARD_INFUSION), published_value=185.0, chart="concentration",
    ),
    _target(
        id="K2-infusion-peak-time", phenomenon="fact 3 / K2",
        claim="The infusion's plasma peak comes at the end of the infusion.",
        source=s.ZANOS_2018, regimen="0.5 mg/kg IV over 40 min", quantity="Tmax", unit="min",
        published="end of infusion (40 min)", low=38.0, high=42.0, evidence="measured",
        measure=partial(m.tmax_min, regimen=STANDARD_INFUSION),
    ),
    _target(
        id="K2-infusion-60min", phenomenon="fact 3 / K2",
        claim="Twenty minutes after the infusion ends, plasma ketamine has fallen steeply.",
        source=s.ZANOS_2018, regimen="0.5 mg/kg IV over 40 min", quantity="plasma at 60 min", unit="ng/mL",
        published="< 60 ng/mL", low=0.0, high=60.0, evidence="measured",
        measure=partial(m.plasma_ng_per_ml_at, regimen=STANDARD_INFUSION, minutes=60.0),
    ),
    # ----- fact 4 / K2: dissociation time course ---------------------------------------------------------
    _target(
        id="K2-dissociation-peak-time", phenomenon="fact 4 / K2",
        claim="Dissociation peaks near the end of the 40-min infusion.",
        source=f"{s.DIAZGRANADOS_2010}; {s.JANSSEN_CADSS}", regimen="0.5 mg/kg IV over 40 min",
        quantity="time of peak dissociation", unit="min", published="~40 min", low=35.0, high=50.0, evidence="measured",
        measure=partial(m.effect_peak_time_min, regimen=STANDARD_INFUSION, effect="dissociation"),
    ),
    _target(
        id="K2-dissociation-resolved-90min", phenomenon="fact 4 / K2",
        claim="Dissociation after the IV infusion has mostly gone by 90 min.",
        source=s.DIAZGRANADOS_2010, regimen="0.5 mg/kg IV over 40 min",
        quantity="dissociation at 90 min / its peak", unit="fraction",
        published="present at 40 min only; mostly resolved by 1.5-2 h", low=0.0, high=0.25, evidence="measured",
        measure=partial(m.effect_fraction_of_peak_at, regimen=STANDARD_INFUSION, effect="dissociation", minutes=90.0),
    ),
    _target(
        id="fact4-spray-dissociation-peak-time", phenomenon="fact 4 / K2",
        claim="With the esketamine spray, dissociation peaks about 40 min after dosing.",
        source=s.JANSSEN_CADSS, regimen="esketamine spray 56 mg (2 devices, 5 min apart)",
        quantity="time of peak dissociation after the first device", unit="min", published="~40 min",
        low=30.0, high=50.0, evidence="measured",
        measure=partial(m.effect_peak_time_min, regimen=SPRAY_56, effect="dissociation"),
    ),
    _target(
        id="fact4-item5-spray-dissociation-90min", phenomenon="fact 4 / issue item 5",
        claim="Dissociation after 56 or 84 mg of the spray has mostly resolved by 1.5 h.",
        source=f"{s.JANSSEN_CADSS}; {s.POPOVA_2019}", regimen="esketamine spray 56 mg and 84 mg (the larger value)",
        quantity="dissociation 90 min after the first device / its peak", unit="fraction",
        published="generally resolved by 1.5 h", low=0.0, high=0.5, evidence="measured",
        measure=partial(m.largest_effect_fraction_of_peak_at, regimens=(SPRAY_56, SPRAY_84), effect="dissociation", minutes=90.0),
        known_limitation=(
            "dissociation follows the effect-site concentration, and the spray's plasma level 90 min after the first "
            "device is still 53-61 % of its peak (Tmax 20-40 min, Spravato label), so 56 mg ends near half its peak "
            "and 84 mg, near the top of the concentration-effect curve in light patients, above it. The CADSS "
            "resolution by 1.5 h suggests acute within-session adaptation, which the model does not have"
        ),
    ),
    # ----- fact 6 / K3: esketamine nasal spray ------------------------------------------------------------
    *(
        _target(
            id=f"K3-spray{dose}-tmax", phenomenon="fact 6 / K3",
            claim=f"Esketamine peaks 20-40 min after the last device of the {dose} mg session.",
            source=s.SPRAVATO, regimen=f"esketamine spray {dose} mg", quantity="Tmax after the last device",
            unit="min", published="20-40 min", low=20.0, high=40.0, evidence="measured",
            measure=partial(m.tmax_after_last_device_min, regimen=regimen), chart="tmax",
        )
        for dose, regimen in ((56, SPRAY_56), (84, SPRAY_84))
    ),
    _target(
        id="K3-spray-bioavailability", phenomenon="fact 6 / K3",
        claim="About half of a spray dose reaches the circulation.",
        source=f"{s.SPRAVATO}; {s.PEREZ_RUIXO_2021}", regimen="esketamine spray 56 mg", quantity="bioavailability F",
        unit="fraction", published="48 % (label, 84 mg); 54 % / 51 % (popPK, 56 / 84 mg)", low=0.48, high=0.54,
        evidence="measured", measure=partial(m.bioavailability, regimen=SPRAY_56), published_value=0.52,
        chart="bioavailability",
    ),
    _target(
        id="K3-spray-half-life", phenomenon="fact 6 / K3",
        claim="Esketamine's terminal half-life after the spray is 7-12 h.",
        source=s.SPRAVATO, regimen="esketamine spray 84 mg", quantity="terminal half-life (log-linear fit, 12-36 h)",
        unit="h", published="7-12 h", low=7.0, high=12.0, evidence="measured",
        measure=partial(m.plasma_half_life_h, regimen=SPRAY_84, from_h=12.0, to_h=36.0),
    ),
    _target(
        id="K3-spray-no-accumulation", phenomenon="fact 6 / K3",
        claim="Twice-weekly spray sessions do not accumulate esketamine.",
        source=s.SPRAVATO, regimen="esketamine spray 56 mg twice weekly x 8", quantity="last / first session Cmax",
        unit="ratio", published="no accumulation", low=0.95, high=1.05, evidence="measured",
        measure=partial(m.session_cmax_last_to_first, regimen=Regimen.esketamine_spray(56, every_days=3.5, doses=8)),
    ),
    # ----- fact 7 / K3: routes ------------------------------------------------------------------------------
    *ROUTE_TARGETS,
    _target(
        id="K3-tmax-iv-bolus", phenomenon="fact 7 / K3 / issue item 9",
        claim="After an IV bolus, the measured peak comes within the first couple of minutes.",
        source=s.PHARMACOTHERAPY_2022, regimen="50 mg IV bolus", quantity="Tmax", unit="min",
        published="2 min after a 10 mg bolus", low=0.0, high=3.0, evidence="measured",
        measure=partial(m.tmax_min, regimen=_by_route("iv_bolus")), chart="tmax",
    ),
    _target(
        id="K3-route-ranking", phenomenon="fact 7 / K3",
        claim="Exposure ranks IV > IM > intranasal > sublingual/rectal > oral.",
        source=f"{s.YANAGIHARA_2003}; {s.ROLAN_2014}; {s.CHONG_2006}", regimen="50 mg by each route",
        quantity="smallest AUC ratio between neighbouring routes", unit="ratio",
        published="F 100 > 93 > 45 > 30 > 20 %", low=1.02, high=INF, evidence="measured", measure=_ranking_margin,
    ),
    _target(
        id="K3-oral-norketamine", phenomenon="fact 7 / K3",
        claim="After an oral dose, norketamine exposure exceeds ketamine exposure.",
        source=f"{s.YANAGIHARA_2003}; {s.FANTA_2015}", regimen="50 mg oral, single dose",
        quantity="norketamine AUC / ketamine AUC (4 days)", unit="ratio",
        published="norketamine exceeds parent; up to 16.5x at steady state", low=1.0, high=16.5, evidence="measured",
        measure=partial(m.norketamine_to_ketamine_auc, regimen=_by_route("oral")),
    ),
    # ----- fact 8 / K5: route-dependent interactions ------------------------------------------------------
    _target(
        id="K5-clarithromycin-oral-auc", phenomenon="fact 8 / K5",
        claim="Clarithromycin raises oral ketamine exposure by its published fold.",
        source=s.HAGELBERG_2010, regimen="0.5 mg/kg oral, with and without clarithromycin", quantity="AUC ratio",
        unit="ratio", published="x2.6", low=2.2, high=3.0, evidence="measured",
        measure=_auc_ratio(ORAL_HALF, "clarithromycin"), published_value=2.6, chart="ratio",
    ),
    _target(
        id="K5-ticlopidine-oral-auc", phenomenon="fact 8 / K5",
        claim="Ticlopidine raises oral ketamine exposure by its published fold.",
        source=s.PELTONIEMI_2011, regimen="0.5 mg/kg oral, with and without ticlopidine", quantity="AUC ratio",
        unit="ratio", published="x2.4", low=2.0, high=2.8, evidence="measured",
        measure=_auc_ratio(ORAL_HALF, "ticlopidine"), published_value=2.4, chart="ratio",
    ),
    _target(
        id="K5-grapefruit-oral-auc", phenomenon="fact 8 / K5",
        claim="Grapefruit juice raises oral ketamine exposure by its published fold.",
        source=s.PELTONIEMI_2012_GRAPEFRUIT, regimen="0.5 mg/kg oral, with and without grapefruit juice",
        quantity="AUC ratio", unit="ratio", published="x3.0 (2.4-3.6)", low=2.4, high=3.6, evidence="measured",
        measure=_auc_ratio(ORAL_HALF, "grapefruit_juice"), published_value=3.0, chart="ratio",
    ),
    _target(
        id="K5-inhibitor-iv-auc", phenomenon="fact 8 / K5",
        claim="The same inhibitor moves IV exposure only a little (no first pass).",
        source=s.HAGELBERG_2010, regimen="0.5 mg/kg IV over 40 min, with and without clarithromycin",
        quantity="AUC ratio", unit="ratio", published="IV changes far less than oral (direction only)",
        low=1.0, high=1.5, evidence="illustrative", measure=_auc_ratio(IV_HALF, "clarithromycin"),
    ),
    _target(
        id="K5-rifampicin-oral-auc", phenomenon="fact 8 / K5",
        claim="An inducer collapses oral exposure.",
        source=s.PELTONIEMI_2012_RIFAMPICIN, regimen="0.5 mg/kg oral, with and without rifampicin",
        quantity="AUC ratio", unit="ratio", published="-86 % (x0.14)", low=0.10, high=0.20, evidence="measured",
        measure=_auc_ratio(ORAL_HALF, "rifampicin"), published_value=0.14, chart="ratio",
    ),
    _target(
        id="K5-rifampicin-iv-auc", phenomenon="fact 8 / K5",
        claim="The same inducer lowers IV exposure only slightly.",
        source=s.PELTONIEMI_2012_RIFAMPICIN, regimen="0.5 mg/kg IV over 40 min, with and without rifampicin",
        quantity="AUC ratio", unit="ratio", published="-14 % (x0.86)", low=0.76, high=0.96, evidence="measured",
        measure=_auc_ratio(IV_HALF, "rifampicin"), published_value=0.86, chart="ratio",
    ),
)

__all__ = ["TARGETS"]
