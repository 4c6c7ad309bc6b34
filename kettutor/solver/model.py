"""The simulated patient as equations: a linear PK system feeding nonlinear drives of slow linear states.

The model is a feed-forward cascade, which is what lets :mod:`kettutor.solver.engine` solve it exactly and fast:

1. **Fast linear system** ``x' = A x + r(t)`` (amounts in mg; the effect-site state in mg/L): central,
   fast and slow peripheral compartments, effect site, norketamine, the gut and one absorption depot
   per route used. Solved in closed form.
2. **Drives** ``u = h(C_e)``: instantaneous nonlinear functions of fast outputs (sigmoid receptor drive).
3. **Slow linear systems** ``s' = S s + G u(t)`` in stages. Stage 1 (tolerance precursor, fast tolerance,
   sensitization) is driven by functions of fast outputs only; each later stage by functions of fast
   outputs *and* earlier stages' states (stage 2: slow tolerance; stage 3: the antidepressant cascade and
   dependence). Solved by exact exponential propagation with Gauss-Legendre quadrature of the drives
   (:mod:`kettutor.solver.engine`).
4. **Effects**: nonlinear functions of fast outputs and slow states.

Everything is batched over a leading patient axis ``P`` so that cohorts reuse the same code.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from ..science.comedications import get_comedication
from ..science.adaptation import ADAPTATION, ADJUNCT_BENEFIT_DECAY_MULTIPLIER, LN2, AdaptationParameters
from ..science.effects import ACUTE_EFFECTS, PHARMACODYNAMICS, PharmacodynamicParameters, antidepressant_effect, sigmoid
from ..patient import Patient
from ..science.pk import (
    ALLOMETRIC_CLEARANCE_EXPONENT,
    DISPOSITIONS,
    MINUTES_PER_HOUR,
    NORKETAMINE_TO_KETAMINE_MASS_RATIO,
    REFERENCE_WEIGHT_KG,
    Disposition,
)
from ..regimen import HOURS_PER_DAY, Regimen
from ..science.routes import direct_fraction, get_route, swallowed_fraction

CENTRAL, PERIPHERAL_FAST, PERIPHERAL_SLOW, EFFECT_SITE, NORKETAMINE, NORKETAMINE_PERIPHERAL, NORKETAMINE_EFFECT_SITE, GUT_LUMEN, GUT = range(9)
FIXED_STATES = (
    "central", "peripheral_fast", "peripheral_slow", "effect_site", "norketamine", "norketamine_peripheral",
    "norketamine_effect_site", "gut_lumen", "gut",
)
# Absorption runs through two first-order stages: release at RELEASE_RATE_RATIO x ka, then absorption at ka.
# A single stage into Domino's small central volume (4.4 L) peaks within minutes whatever ka is, so it
# cannot give the tabulated Tmax of 45-60 min; two distinct rates keep the rate matrix diagonalisable.
RELEASE_RATE_RATIO = 2.0
ACCUMULATORS = ("absorbed_mg", "eliminated_mg", "first_pass_mg", "auc_ketamine_mg_h_per_l", "auc_norketamine_mg_h_per_l")
STAGE_STATES = (
    ("tolerance_precursor", "tolerance_fast"),
    ("tolerance_slow", "sensitization"),
    ("tolerance_chronic",),
    ("signalling", "benefit", "consolidated_benefit", "dependence"),
)
SLOW_STATES = tuple(name for stage in STAGE_STATES for name in stage)
(
    PRECURSOR, TOLERANCE_FAST, TOLERANCE_SLOW, SENSITIZATION, TOLERANCE_CHRONIC, SIGNALLING, BENEFIT, CONSOLIDATED,
    DEPENDENCE,
) = range(9)


def tolerance_total(slow: np.ndarray) -> np.ndarray:
    """Tolerance T = T_fast + T_slow + T_chronic from slow states ``(P, ns, ...)`` (tolerance units)."""
    return slow[:, TOLERANCE_FAST] + slow[:, TOLERANCE_SLOW] + slow[:, TOLERANCE_CHRONIC]


def expressed_tolerance(slow: np.ndarray, adaptation: AdaptationParameters) -> np.ndarray:
    """Tolerance that shifts EC50s: counter-regulation (fast and slow) up to its ceiling, plus the chronic
    component of months of heavy use (tolerance units)."""
    return adaptation.expressed_tolerance(slow[:, TOLERANCE_FAST] + slow[:, TOLERANCE_SLOW]) + np.maximum(
        slow[:, TOLERANCE_CHRONIC], 0.0
    )


@dataclass(frozen=True)
class SlowStage:
    """One stage of slow linear states ``s' = S s + G u``; its drives ``u`` read fast outputs at the
    quadrature nodes and the states of all earlier stages there (``(P, n_earlier, M)``)."""

    matrix: np.ndarray  # (P, n, n), 1/h
    input: np.ndarray  # (P, n, d)
    drives: Callable[[dict[str, np.ndarray], np.ndarray], np.ndarray]  # -> (P, d, M)


@dataclass(frozen=True)
class PatientParameters:
    """Per-patient numbers the equations need, each an array over the patient axis (shape ``(P,)``)."""

    weight_kg: np.ndarray
    v1_l: np.ndarray
    k10: np.ndarray  # 1/h
    k12: np.ndarray
    k13: np.ndarray
    k21: np.ndarray
    k31: np.ndarray
    hepatic_availability: np.ndarray  # 1 - E_H (fraction)
    norketamine_volume_l: np.ndarray  # central volume (L)
    norketamine_k: np.ndarray  # elimination, 1/h
    norketamine_k12: np.ndarray  # central -> peripheral, 1/h
    norketamine_k21: np.ndarray  # peripheral -> central, 1/h
    norketamine_formed: np.ndarray  # fraction of parent clearance forming norketamine (after interactions)
    ke0: np.ndarray  # 1/h
    potency: float
    ec50_scale: np.ndarray  # divides sensitivity
    antidepressant_drive: np.ndarray  # multiplier
    dissociation_scale: np.ndarray  # multiplier on Emax
    nmda_blockade: np.ndarray  # constant cross-tolerance drive from other NMDA antagonists
    signalling_rate_multiplier: np.ndarray  # benzodiazepines slow the antidepressant cascade
    benefit_decay_multiplier: np.ndarray  # adjunct therapy
    adaptation_multiplier: np.ndarray  # individual speed of tolerance and sensitization


def patient_parameters(patients: Sequence[Patient], disposition: Disposition, pd: PharmacodynamicParameters) -> PatientParameters:
    """Covariate and interaction model: from patients to the per-patient equation parameters."""
    weight = np.array([p.weight_kg for p in patients], dtype=float)
    size = weight / REFERENCE_WEIGHT_KG
    rate_scale = size ** (ALLOMETRIC_CLEARANCE_EXPONENT - 1.0)  # CL/V scales as W^-0.25
    volume_mult = np.array([p.volume_multiplier for p in patients])
    # Individual clearance: sex (women +20 %, Sigtermans 2009), age > 60 lowers hepatic flow by 2.19 L/h
    # per year (Perez-Ruixo 2021), and the individual multiplier. Extraction ratio is held fixed.
    sex = np.array([1.2 if p.sex == "female" else 1.0 for p in patients])
    age = np.array([p.age_years for p in patients])
    flow = disposition.hepatic_blood_flow_l_per_h
    age_factor = np.maximum(flow - 2.19 * np.maximum(age - 60.0, 0.0), 0.25 * flow) / flow
    cl_mult = np.array([p.clearance_multiplier for p in patients]) * sex * age_factor
    # Enzyme inhibitors/inducers scale intrinsic clearance (well-stirred liver, kettutor.science.pk): systemic exposure
    # changes by r = E + fold (1 - E), first-pass availability by fold / r. A comedication whose systemic
    # effect was measured (Comedication.systemic_auc_ratio) uses that r and acts on first pass for the rest.
    extraction = disposition.hepatic_extraction_ratio
    systemic_ratio, first_pass_fold = np.empty(len(patients)), np.empty(len(patients))
    for index, p in enumerate(patients):
        comeds = [get_comedication(c) for c in p.comedications]
        stirred = np.prod([c.intrinsic_clearance_fold for c in comeds if c.systemic_auc_ratio is None])
        stirred /= p.intrinsic_clearance_multiplier
        measured = [c for c in comeds if c.systemic_auc_ratio is not None]
        systemic_ratio[index] = (extraction + stirred * (1.0 - extraction)) * np.prod([c.systemic_auc_ratio for c in measured])
        first_pass_fold[index] = stirred * np.prod([c.intrinsic_clearance_fold for c in measured])
    hepatic_availability = np.minimum((1.0 - extraction) * first_pass_fold / systemic_ratio, 1.0)
    per_h = MINUTES_PER_HOUR
    v1 = disposition.central_volume_l_per_kg * weight * volume_mult

    def product(field: str) -> np.ndarray:
        return np.array([np.prod([getattr(get_comedication(c), field) for c in p.comedications]) for p in patients])

    nk_volume = disposition.norketamine_true(disposition.norketamine_apparent_central_volume_l) * size
    nk_peripheral = disposition.norketamine_true(disposition.norketamine_apparent_peripheral_volume_l) * size
    nk_clearance = disposition.norketamine_true(disposition.norketamine_apparent_clearance_l_per_h) * size**ALLOMETRIC_CLEARANCE_EXPONENT
    nk_q = disposition.norketamine_true(disposition.norketamine_apparent_distribution_clearance_l_per_h) * size**ALLOMETRIC_CLEARANCE_EXPONENT
    return PatientParameters(
        weight_kg=weight,
        v1_l=v1,
        k10=disposition.k10_per_min * per_h * rate_scale * cl_mult / systemic_ratio / volume_mult,
        k12=disposition.k12_per_min * per_h * rate_scale / volume_mult,
        k13=disposition.k13_per_min * per_h * rate_scale / volume_mult,
        k21=disposition.k21_per_min * per_h * rate_scale / volume_mult,
        k31=disposition.k31_per_min * per_h * rate_scale / volume_mult,
        hepatic_availability=hepatic_availability,
        norketamine_volume_l=nk_volume,
        norketamine_k=nk_clearance / nk_volume,
        norketamine_k12=nk_q / nk_volume,
        norketamine_k21=nk_q / nk_peripheral,
        norketamine_formed=disposition.norketamine_fraction_formed * product("norketamine_formation_fold"),
        ke0=pd.ke0_per_min * per_h * np.array([p.ke0_multiplier for p in patients]),
        potency=disposition.relative_potency,
        ec50_scale=1.0 / np.array([p.sensitivity_multiplier for p in patients]),
        antidepressant_drive=product("antidepressant_drive_multiplier"),
        dissociation_scale=product("dissociation_multiplier"),
        signalling_rate_multiplier=product("signalling_rate_multiplier"),
        nmda_blockade=np.array([sum(get_comedication(c).nmda_blockade for c in p.comedications) for p in patients]),
        benefit_decay_multiplier=np.array([ADJUNCT_BENEFIT_DECAY_MULTIPLIER[p.adjunct_therapy][0] for p in patients]),
        adaptation_multiplier=np.array([p.adaptation_multiplier for p in patients]),
    )


@dataclass(frozen=True)
class LinearModel:
    """Matrices of the whole cascade for a batch of patients and one regimen's set of routes."""

    state_names: tuple[str, ...]
    fast_matrix: np.ndarray  # (P, n, n), 1/h
    dose_vectors: dict[str, np.ndarray]  # route -> (P, n): where 1 mg of dose goes at administration
    infusion_vector: np.ndarray  # (P, n): where 1 mg/h of IV infusion goes
    outputs: dict[str, np.ndarray]  # name -> (P, n) row: plasma_mg_per_l, ce_mg_per_l, norketamine_mg_per_l
    accumulator_rates: np.ndarray  # (P, n_acc, n): d(acc)/dt = rates @ x + inputs @ r
    accumulator_inputs: np.ndarray  # (n_acc, n)
    stages: tuple[SlowStage, ...]
    slow_initial: np.ndarray  # (P, ns): steady state without ketamine (comedications only)
    drive_names: tuple[str, ...]  # fast outputs the drives read
    kink_rows: np.ndarray  # (P, k, n): linear outputs whose zero crossings make a drive non-smooth
    params: PatientParameters
    disposition: Disposition
    pd: PharmacodynamicParameters
    adaptation: AdaptationParameters

    @property
    def size(self) -> int:
        return self.fast_matrix.shape[-1]

    def ec50_shift(self, name: str, slow: np.ndarray) -> np.ndarray:
        """Factor multiplying effect ``name``'s EC50: sensitivity, tolerance and (locomotor) sensitization."""
        if name == "locomotor":
            tolerance = self.adaptation.reward_tolerance(slow[:, TOLERANCE_FAST])
        else:
            tolerance = expressed_tolerance(slow, self.adaptation)
        shift = self.params.ec50_scale[:, None] * (1.0 + self.adaptation.tolerance_weight(name) * tolerance)
        if name == "locomotor":
            shift = shift / (1.0 + slow[:, SENSITIZATION])
        return shift

    def effect(self, name: str, ce: np.ndarray, slow: np.ndarray) -> np.ndarray:
        """Effect ``name`` from effect-site concentration ``ce`` (P, N) and slow states ``slow`` (P, ns, N)
        (the stage-1 states suffice for acute effects)."""
        if name == "antidepressant":
            return antidepressant_effect(slow[:, BENEFIT] + slow[:, CONSOLIDATED], self.pd, slow[:, SIGNALLING])
        if name == "craving":
            d = np.maximum(slow[:, DEPENDENCE], 0.0) / self.adaptation.dependence_half_max
            return 100.0 * d**2 / (1.0 + d**2)
        value = ACUTE_EFFECTS[name].of(ce, self.ec50_shift(name, slow))
        if name == "dissociation":
            value = value * self.params.dissociation_scale[:, None]
        return value


def build_model(
    patients: Sequence[Patient],
    regimen: Regimen,
    *,
    disposition: Disposition | None = None,
    pd: PharmacodynamicParameters = PHARMACODYNAMICS,
    adaptation: AdaptationParameters = ADAPTATION,
) -> LinearModel:
    """Assemble the cascade's matrices for ``patients`` receiving ``regimen``."""
    disposition = disposition or DISPOSITIONS[regimen.drug]
    prm = patient_parameters(patients, disposition, pd)
    routes = sorted({e.route for e in regimen.events})
    absorbed_routes = [r for r in routes if get_route(r).kind in ("depot", "mucosal")]
    names = FIXED_STATES + tuple(f"{stage}_{r}" for r in absorbed_routes for stage in ("depot", "absorption_site"))
    n, count = len(names), len(patients)
    a = np.zeros((count, n, n))
    k_gut = disposition.gut_absorption_rate_per_h
    fm = prm.norketamine_formed * NORKETAMINE_TO_KETAMINE_MASS_RATIO
    fh = prm.hepatic_availability
    # parent disposition
    a[:, CENTRAL, CENTRAL] = -(prm.k10 + prm.k12 + prm.k13)
    a[:, CENTRAL, PERIPHERAL_FAST] = prm.k21
    a[:, CENTRAL, PERIPHERAL_SLOW] = prm.k31
    a[:, PERIPHERAL_FAST, CENTRAL] = prm.k12
    a[:, PERIPHERAL_FAST, PERIPHERAL_FAST] = -prm.k21
    a[:, PERIPHERAL_SLOW, CENTRAL] = prm.k13
    a[:, PERIPHERAL_SLOW, PERIPHERAL_SLOW] = -prm.k31
    # effect site (racemic-equivalent concentration)
    a[:, EFFECT_SITE, CENTRAL] = prm.ke0 * prm.potency / prm.v1_l
    a[:, EFFECT_SITE, EFFECT_SITE] = -prm.ke0
    # norketamine (two compartments): formed from systemic clearance and from hepatic first-pass of the
    # swallowed share
    a[:, NORKETAMINE, CENTRAL] = fm * prm.k10
    a[:, NORKETAMINE, GUT] = fm * (1.0 - fh) * k_gut
    a[:, NORKETAMINE, NORKETAMINE] = -(prm.norketamine_k + prm.norketamine_k12)
    a[:, NORKETAMINE, NORKETAMINE_PERIPHERAL] = prm.norketamine_k21
    a[:, NORKETAMINE_PERIPHERAL, NORKETAMINE] = prm.norketamine_k12
    a[:, NORKETAMINE_PERIPHERAL, NORKETAMINE_PERIPHERAL] = -prm.norketamine_k21
    # norketamine effect site: same equilibration as the parent (no norketamine effect by default)
    a[:, NORKETAMINE_EFFECT_SITE, NORKETAMINE] = prm.ke0 / prm.norketamine_volume_l
    a[:, NORKETAMINE_EFFECT_SITE, NORKETAMINE_EFFECT_SITE] = -prm.ke0
    # gut: lumen -> absorbing gut; the absorbed share survives first-pass with probability 1 - E_H
    a[:, GUT_LUMEN, GUT_LUMEN] = -RELEASE_RATE_RATIO * k_gut
    a[:, GUT, GUT_LUMEN] = RELEASE_RATE_RATIO * k_gut
    a[:, GUT, GUT] = -k_gut
    a[:, CENTRAL, GUT] = fh * k_gut
    oral_f = disposition.oral_bioavailability
    gut_absorbed = oral_f / (1.0 - disposition.hepatic_extraction_ratio)  # fraction of a swallowed dose absorbed
    dose_vectors: dict[str, np.ndarray] = {}
    absorbed_rate = np.zeros((count, n))
    absorbed_rate[:, GUT] = fh * k_gut
    for route_name in routes:
        route = get_route(route_name)
        vec = np.zeros((count, n))
        if route.kind == "intravascular":
            vec[:, CENTRAL] = 1.0
        else:
            vec[:, GUT_LUMEN] = swallowed_fraction(route, oral_f) * gut_absorbed
            if route.kind in ("depot", "mucosal"):
                depot = names.index(f"depot_{route_name}")
                site = names.index(f"absorption_site_{route_name}")
                ka = route.absorption_rate_per_h
                a[:, depot, depot] = -RELEASE_RATE_RATIO * ka
                a[:, site, depot] = RELEASE_RATE_RATIO * ka
                a[:, site, site] = -ka
                a[:, CENTRAL, site] = ka
                vec[:, depot if route.absorption_stages == 2 else site] = direct_fraction(route, oral_f)
                absorbed_rate[:, site] = ka
        dose_vectors[route_name] = vec
    infusion = np.zeros((count, n))
    infusion[:, CENTRAL] = 1.0

    acc_rates = np.zeros((count, len(ACCUMULATORS), n))
    acc_rates[:, 0] = absorbed_rate
    acc_rates[:, 1, CENTRAL] = prm.k10
    acc_rates[:, 2, GUT] = (1.0 - fh) * k_gut
    acc_rates[:, 3, CENTRAL] = 1.0 / prm.v1_l
    acc_rates[:, 4, NORKETAMINE] = 1.0 / prm.norketamine_volume_l
    acc_inputs = np.zeros((len(ACCUMULATORS), n))
    acc_inputs[0, CENTRAL] = 1.0  # IV doses count as absorbed when given

    names_out = ("plasma_mg_per_l", "ce_mg_per_l", "norketamine_mg_per_l", "norketamine_ce_mg_per_l")
    outputs = {name: np.zeros((count, n)) for name in names_out}
    outputs["plasma_mg_per_l"][:, CENTRAL] = 1.0 / prm.v1_l
    outputs["ce_mg_per_l"][:, EFFECT_SITE] = 1.0
    outputs["norketamine_mg_per_l"][:, NORKETAMINE] = 1.0 / prm.norketamine_volume_l
    outputs["norketamine_ce_mg_per_l"][:, NORKETAMINE_EFFECT_SITE] = 1.0

    per_day = 1.0 / HOURS_PER_DAY
    ad = adaptation
    drive_effect = ACUTE_EFFECTS["dissociation"]
    ec50 = drive_effect.ec50_mg_per_l * prm.ec50_scale[:, None]
    reward_effect = ACUTE_EFFECTS["locomotor"]
    speed = prm.adaptation_multiplier

    def blockade(fast: dict[str, np.ndarray]) -> np.ndarray:
        """NMDA blockade (0-1) at the effect-site concentrations in ``fast``, computed once per set of nodes
        (every stage's drives read it)."""
        if "blockade" not in fast:
            fast["blockade"] = sigmoid(fast["ce_mg_per_l"] / ec50, drive_effect.hill)
        return fast["blockade"]

    frequent_use = ad.frequent_use

    # stage 1: tolerance precursor -> fast tolerance. Drives: blockade and a constant 1 (carrying other
    # NMDA antagonists' blockade).
    k_pre = LN2 / ad.tolerance_onset_half_life_h
    k_tf = LN2 / ad.fast_tolerance_half_life_h
    stage1 = np.zeros((count, 2, 2))
    stage1[:, PRECURSOR, PRECURSOR] = -k_pre
    stage1[:, TOLERANCE_FAST, PRECURSOR] = k_pre
    stage1[:, TOLERANCE_FAST, TOLERANCE_FAST] = -k_tf
    input1 = np.zeros((count, 2, 2))
    input1[:, PRECURSOR, 0] = ad.fast_tolerance_gain_per_h * speed
    input1[:, PRECURSOR, 1] = ad.fast_tolerance_gain_per_h * speed * prm.nmda_blockade

    def drives1(fast: dict[str, np.ndarray], _earlier: np.ndarray) -> np.ndarray:
        ce = fast["ce_mg_per_l"]
        return np.stack([blockade(fast), np.ones_like(ce)], axis=1)

    # stage 2: slow tolerance grows with fast tolerance, faster while it stays above a threshold (frequent
    # use), and builds the chronic component (months of heavy use); sensitization grows from strong
    # exposure while the
    # precursor of tolerance is low, i.e. at the onset of exposure after a drug-free interval (S1-S2)
    stage2 = np.zeros((count, 2, 2))
    stage2[:, 0, 0] = -LN2 / (ad.slow_tolerance_half_life_days * HOURS_PER_DAY)
    stage2[:, 1, 1] = -LN2 / (ad.sensitization_half_life_days * HOURS_PER_DAY)
    input2 = np.zeros((count, 2, 2))
    input2[:, 0, 0] = ad.slow_tolerance_gain_per_day * per_day
    input2[:, 1, 1] = ad.sensitization_gain_per_h * speed
    sens_ec50 = ad.sensitization_ec50_mg_per_l * prm.ec50_scale[:, None]

    def drives2(fast: dict[str, np.ndarray], earlier: np.ndarray) -> np.ndarray:
        fast_tolerance = np.maximum(earlier[:, TOLERANCE_FAST], 0.0)
        slow_drive = fast_tolerance * (ad.slow_tolerance_spaced_fraction + frequent_use(fast_tolerance))
        sustained = np.maximum(earlier[:, PRECURSOR], 0.0) / ad.sensitization_gate_precursor
        onset = 1.0 - sigmoid(sustained, ad.sensitization_gate_hill)
        sensitizing = sigmoid(fast["ce_mg_per_l"] / sens_ec50, ad.sensitization_hill) * onset
        return np.stack([slow_drive, sensitizing], axis=1)

    # stage 3: chronic tolerance builds while the drug acts on a patient who already carries slow tolerance
    # (months of heavy use); it stops growing when dosing stops
    stage3 = np.full((count, 1, 1), -LN2 / (ad.chronic_tolerance_half_life_days * HOURS_PER_DAY))
    input3 = np.full((count, 1, 1), ad.chronic_tolerance_gain_per_h) * speed[:, None, None]

    def drives3(fast: dict[str, np.ndarray], earlier: np.ndarray) -> np.ndarray:
        return (np.maximum(earlier[:, TOLERANCE_SLOW], 0.0) * blockade(fast))[:, None, :]

    # stage 4: antidepressant cascade (signalling -> benefit -> consolidated benefit) and dependence.
    # Drives: tolerance-shifted blockade; reward effect while fast tolerance is high (frequent use).
    k_sig = pd.signalling_rate_per_day * per_day * prm.signalling_rate_multiplier
    stage4 = np.zeros((count, 4, 4))
    stage4[:, 0, 0] = -k_sig
    stage4[:, 1, 0] = k_sig
    stage4[:, 1, 1] = -pd.benefit_decay_per_day * per_day * prm.benefit_decay_multiplier
    stage4[:, 2, 1] = pd.consolidation_rate_per_day * per_day
    stage4[:, 2, 2] = -LN2 / (pd.consolidated_half_life_days * HOURS_PER_DAY)
    stage4[:, 3, 3] = -LN2 / (ad.dependence_half_life_days * HOURS_PER_DAY)
    input4 = np.zeros((count, 4, 2))
    input4[:, 0, 0] = pd.antidepressant_trigger_per_h * prm.antidepressant_drive * disposition.antidepressant_drive_scale
    input4[:, 3, 1] = ad.dependence_gain_per_h

    def drives4(fast: dict[str, np.ndarray], earlier: np.ndarray) -> np.ndarray:
        ce = fast["ce_mg_per_l"]
        total = tolerance_total(earlier)
        desensitized = sigmoid(np.maximum(total, 0.0) / ad.antidepressant_tolerance_half_max, 2.0)
        antidepressant = blockade(fast) * (1.0 - desensitized)
        reward_tolerance = ad.reward_tolerance(earlier[:, TOLERANCE_FAST])  # as LinearModel.ec50_shift
        reward_ec50 = reward_effect.ec50_mg_per_l * prm.ec50_scale[:, None] * (1.0 + ad.tolerance_weight_locomotor * reward_tolerance)
        reward = sigmoid(ce * (1.0 + earlier[:, SENSITIZATION]) / reward_ec50, reward_effect.hill)
        frequent = sigmoid(np.maximum(earlier[:, TOLERANCE_FAST], 0.0) / ad.dependence_tolerance_threshold, 2.0)
        return np.stack([antidepressant, reward * frequent], axis=1)

    stages = (
        SlowStage(stage1, input1, drives1),
        SlowStage(stage2, input2, drives2),
        SlowStage(stage3, input3, drives3),
        SlowStage(stage4, input4, drives4),
    )

    return LinearModel(
        state_names=names,
        fast_matrix=a,
        dose_vectors=dose_vectors,
        infusion_vector=infusion,
        outputs=outputs,
        accumulator_rates=acc_rates,
        accumulator_inputs=acc_inputs,
        stages=stages,
        slow_initial=_drug_free_steady_state(stages, count),
        drive_names=("ce_mg_per_l",),
        kink_rows=np.zeros((count, 0, n)),
        params=prm,
        disposition=disposition,
        pd=pd,
        adaptation=adaptation,
    )


def _drug_free_steady_state(stages: tuple[SlowStage, ...], count: int) -> np.ndarray:
    """Slow states at steady state with no ketamine on board (constant drives such as memantine's only)."""
    no_drug = {"ce_mg_per_l": np.zeros((count, 1))}
    earlier = np.zeros((count, 0, 1))
    for stage in stages:
        forcing = np.einsum("pnd,pdm->pnm", stage.input, stage.drives(no_drug, earlier))
        state = -np.linalg.solve(stage.matrix, forcing)
        earlier = np.concatenate([earlier, state], axis=1)
    return earlier[:, :, 0]
