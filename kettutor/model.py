"""The simulated patient as equations: a linear PK system feeding nonlinear drives of slow linear states.

The model is a feed-forward cascade, which is what lets :mod:`kettutor.engine` solve it exactly and fast:

1. **Fast linear system** ``x' = A x + r(t)`` (amounts in mg; the effect-site state in mg/L): central,
   fast and slow peripheral compartments, effect site, norketamine, the gut and one absorption depot
   per route used. Solved in closed form.
2. **Drives** ``u = h(C_e)``: instantaneous nonlinear functions of fast outputs (sigmoid receptor drive).
3. **Slow linear systems** ``s' = S s + G u(t)`` in stages. Stage 1 (tolerance precursor, fast tolerance,
   sensitization) is driven by functions of fast outputs only; each later stage by functions of fast
   outputs *and* earlier stages' states (stage 2: slow tolerance; stage 3: the antidepressant cascade and
   dependence). Solved by exact exponential propagation with Gauss-Legendre quadrature of the drives
   (:mod:`kettutor.engine`).
4. **Effects**: nonlinear functions of fast outputs and slow states.

Everything is batched over a leading patient axis ``P`` so that cohorts reuse the same code.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from .comedications import get_comedication
from .adaptation import ADAPTATION, ADJUNCT_BENEFIT_DECAY_MULTIPLIER, LN2, AdaptationParameters
from .effects import ACUTE_EFFECTS, PHARMACODYNAMICS, PharmacodynamicParameters, antidepressant_effect, sigmoid
from .patient import Patient
from .pk import (
    ALLOMETRIC_CLEARANCE_EXPONENT,
    DISPOSITIONS,
    MINUTES_PER_HOUR,
    NORKETAMINE_TO_KETAMINE_MASS_RATIO,
    REFERENCE_WEIGHT_KG,
    Disposition,
)
from .regimen import HOURS_PER_DAY, Regimen
from .routes import direct_fraction, get_route, swallowed_fraction

CENTRAL, PERIPHERAL_FAST, PERIPHERAL_SLOW, EFFECT_SITE, HABITUATION, NORKETAMINE, NORKETAMINE_EFFECT_SITE, GUT_LUMEN, GUT = range(9)
FIXED_STATES = (
    "central", "peripheral_fast", "peripheral_slow", "effect_site", "habituation_site", "norketamine",
    "norketamine_effect_site", "gut_lumen", "gut",
)
# Absorption runs through two first-order stages: release at RELEASE_RATE_RATIO x ka, then absorption at ka.
# A single stage into Domino's small central volume (4.4 L) peaks within minutes whatever ka is, so it
# cannot give the tabulated Tmax of 45-60 min; two distinct rates keep the rate matrix diagonalisable.
RELEASE_RATE_RATIO = 2.0
ACCUMULATORS = ("absorbed_mg", "eliminated_mg", "first_pass_mg", "auc_ketamine_mg_h_per_l", "auc_norketamine_mg_h_per_l")
STAGE_STATES = (
    ("tolerance_precursor", "tolerance_fast", "sensitization"),
    ("tolerance_slow",),
    ("signalling", "benefit", "consolidated_benefit", "dependence"),
)
SLOW_STATES = tuple(name for stage in STAGE_STATES for name in stage)
PRECURSOR, TOLERANCE_FAST, SENSITIZATION, TOLERANCE_SLOW, SIGNALLING, BENEFIT, CONSOLIDATED, DEPENDENCE = range(8)


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
    norketamine_volume_l: np.ndarray
    norketamine_k: np.ndarray  # 1/h
    ke0: np.ndarray  # 1/h
    potency: float
    ec50_scale: np.ndarray  # divides sensitivity
    antidepressant_drive: np.ndarray  # multiplier
    dissociation_scale: np.ndarray  # multiplier on Emax
    nmda_blockade: np.ndarray  # constant cross-tolerance drive from other NMDA antagonists
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
    # Enzyme inhibitors/inducers scale intrinsic clearance (well-stirred liver, kettutor.pk).
    fold = np.array(
        [np.prod([get_comedication(c).intrinsic_clearance_fold for c in p.comedications]) / p.intrinsic_clearance_multiplier for p in patients]
    )
    extraction = disposition.hepatic_extraction_ratio
    new_extraction = extraction / (extraction + fold * (1.0 - extraction))
    per_h = MINUTES_PER_HOUR
    v1 = disposition.central_volume_l_per_kg * weight * volume_mult
    return PatientParameters(
        weight_kg=weight,
        v1_l=v1,
        k10=disposition.k10_per_min * per_h * rate_scale * cl_mult * new_extraction / extraction / volume_mult,
        k12=disposition.k12_per_min * per_h * rate_scale / volume_mult,
        k13=disposition.k13_per_min * per_h * rate_scale / volume_mult,
        k21=disposition.k21_per_min * per_h * rate_scale / volume_mult,
        k31=disposition.k31_per_min * per_h * rate_scale / volume_mult,
        hepatic_availability=1.0 - new_extraction,
        norketamine_volume_l=disposition.norketamine_volume_l * size,
        norketamine_k=np.full_like(weight, disposition.norketamine_clearance_l_per_h / disposition.norketamine_volume_l) * rate_scale,
        ke0=pd.ke0_per_min * per_h * np.array([p.ke0_multiplier for p in patients]),
        potency=disposition.relative_potency,
        ec50_scale=1.0 / np.array([p.sensitivity_multiplier for p in patients]),
        antidepressant_drive=np.array(
            [np.prod([get_comedication(c).antidepressant_drive_multiplier for c in p.comedications]) for p in patients]
        ),
        dissociation_scale=np.array(
            [np.prod([get_comedication(c).dissociation_multiplier for c in p.comedications]) for p in patients]
        ),
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
        tolerance = slow[:, TOLERANCE_FAST] + slow[:, TOLERANCE_SLOW]
        shift = self.params.ec50_scale[:, None] * (1.0 + self.adaptation.tolerance_weight(name) * tolerance)
        if name == "locomotor":
            shift = shift / (1.0 + slow[:, SENSITIZATION])
        return shift

    def effect(self, name: str, ce: np.ndarray, slow: np.ndarray) -> np.ndarray:
        """Effect ``name`` from effect-site concentration ``ce`` (P, N) and slow states ``slow`` (P, ns, N)
        (the stage-1 states suffice for acute effects)."""
        if name == "antidepressant":
            return antidepressant_effect(slow[:, BENEFIT] + slow[:, CONSOLIDATED], self.pd)
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
    fm = disposition.norketamine_fraction_formed * NORKETAMINE_TO_KETAMINE_MASS_RATIO
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
    # habituation site: follows the effect site slowly (sensitization needs onsets)
    k_hab = LN2 / adaptation.habituation_half_life_h
    a[:, HABITUATION, EFFECT_SITE] = k_hab
    a[:, HABITUATION, HABITUATION] = -k_hab
    # norketamine: formed from systemic clearance and from hepatic first-pass of the swallowed share
    a[:, NORKETAMINE, CENTRAL] = fm * prm.k10
    a[:, NORKETAMINE, GUT] = fm * (1.0 - fh) * k_gut
    a[:, NORKETAMINE, NORKETAMINE] = -prm.norketamine_k
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
                vec[:, depot] = direct_fraction(route, oral_f)
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

    names_out = ("plasma_mg_per_l", "ce_mg_per_l", "habituation_mg_per_l", "norketamine_mg_per_l", "norketamine_ce_mg_per_l")
    outputs = {name: np.zeros((count, n)) for name in names_out}
    outputs["plasma_mg_per_l"][:, CENTRAL] = 1.0 / prm.v1_l
    outputs["ce_mg_per_l"][:, EFFECT_SITE] = 1.0
    outputs["habituation_mg_per_l"][:, HABITUATION] = 1.0
    outputs["norketamine_mg_per_l"][:, NORKETAMINE] = 1.0 / prm.norketamine_volume_l
    outputs["norketamine_ce_mg_per_l"][:, NORKETAMINE_EFFECT_SITE] = 1.0

    per_day = 1.0 / HOURS_PER_DAY
    ad = adaptation
    drive_effect = ACUTE_EFFECTS["dissociation"]
    ec50 = drive_effect.ec50_mg_per_l * prm.ec50_scale[:, None]
    reward_effect = ACUTE_EFFECTS["locomotor"]

    def blockade(ce: np.ndarray) -> np.ndarray:
        return sigmoid(ce / ec50, drive_effect.hill)

    # stage 1: tolerance precursor -> fast tolerance; sensitization. Drives: blockade, its un-habituated
    # part, and a constant 1 (carrying other NMDA antagonists' blockade).
    k_pre = LN2 / ad.tolerance_onset_half_life_h
    k_tf = LN2 / ad.fast_tolerance_half_life_h
    stage1 = np.zeros((count, 3, 3))
    stage1[:, PRECURSOR, PRECURSOR] = -k_pre
    stage1[:, TOLERANCE_FAST, PRECURSOR] = k_pre
    stage1[:, TOLERANCE_FAST, TOLERANCE_FAST] = -k_tf
    stage1[:, SENSITIZATION, SENSITIZATION] = -LN2 / (ad.sensitization_half_life_days * HOURS_PER_DAY)
    input1 = np.zeros((count, 3, 3))
    input1[:, PRECURSOR, 0] = ad.fast_tolerance_gain_per_h * prm.adaptation_multiplier
    input1[:, SENSITIZATION, 1] = ad.sensitization_gain_per_h * prm.adaptation_multiplier
    input1[:, PRECURSOR, 2] = ad.fast_tolerance_gain_per_h * prm.adaptation_multiplier * prm.nmda_blockade

    sens_ec50 = ad.sensitization_ec50_mg_per_l * prm.ec50_scale[:, None]

    def drives1(fast: dict[str, np.ndarray], _earlier: np.ndarray) -> np.ndarray:
        ce, habituated = fast["ce_mg_per_l"], fast["habituation_mg_per_l"]
        sensitizing = sigmoid(ce / sens_ec50, ad.sensitization_hill) - sigmoid(habituated / sens_ec50, ad.sensitization_hill)
        return np.stack([blockade(ce), np.maximum(sensitizing, 0.0), np.ones_like(ce)], axis=1)

    # stage 2: slow tolerance grows only while fast tolerance stays above a threshold (frequent use);
    # a steep smooth gate rather than max(T_f - theta, 0) keeps the drive smooth for the quadrature
    stage2 = np.full((count, 1, 1), -LN2 / (ad.slow_tolerance_half_life_days * HOURS_PER_DAY))
    input2 = np.full((count, 1, 1), ad.slow_tolerance_gain_per_day * per_day)

    def drives2(_fast: dict[str, np.ndarray], earlier: np.ndarray) -> np.ndarray:
        fast_tolerance = np.maximum(earlier[:, TOLERANCE_FAST], 0.0)
        return (fast_tolerance * sigmoid(fast_tolerance / ad.slow_tolerance_threshold, 6.0))[:, None, :]

    # stage 3: antidepressant cascade (signalling -> benefit -> consolidated benefit) and dependence.
    # Drives: tolerance-shifted blockade, reward effect.
    k_sig = pd.signalling_rate_per_day * per_day
    stage3 = np.zeros((count, 4, 4))
    stage3[:, 0, 0] = -k_sig
    stage3[:, 1, 0] = k_sig
    stage3[:, 1, 1] = -pd.benefit_decay_per_day * per_day * prm.benefit_decay_multiplier
    stage3[:, 2, 1] = pd.consolidation_rate_per_day * per_day
    stage3[:, 2, 2] = -LN2 / (pd.consolidated_half_life_days * HOURS_PER_DAY)
    stage3[:, 3, 3] = -LN2 / (ad.dependence_half_life_days * HOURS_PER_DAY)
    input3 = np.zeros((count, 4, 2))
    input3[:, 0, 0] = pd.antidepressant_trigger_per_h * prm.antidepressant_drive
    input3[:, 3, 1] = ad.dependence_gain_per_h

    def drives3(fast: dict[str, np.ndarray], earlier: np.ndarray) -> np.ndarray:
        ce = fast["ce_mg_per_l"]
        tolerance = earlier[:, TOLERANCE_FAST] + earlier[:, TOLERANCE_SLOW]
        antidepressant = sigmoid(ce / (ec50 * (1.0 + ad.tolerance_weight_antidepressant * tolerance)), drive_effect.hill)
        reward_ec50 = reward_effect.ec50_mg_per_l * prm.ec50_scale[:, None] * (1.0 + ad.tolerance_weight_locomotor * tolerance)
        reward = sigmoid(ce * (1.0 + earlier[:, SENSITIZATION]) / reward_ec50, reward_effect.hill)
        return np.stack([antidepressant, reward], axis=1)

    stages = (SlowStage(stage1, input1, drives1), SlowStage(stage2, input2, drives2), SlowStage(stage3, input3, drives3))

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
        drive_names=("ce_mg_per_l", "habituation_mg_per_l"),
        kink_rows=(outputs["ce_mg_per_l"] - outputs["habituation_mg_per_l"])[:, None, :],
        params=prm,
        disposition=disposition,
        pd=pd,
        adaptation=adaptation,
    )


def _drug_free_steady_state(stages: tuple[SlowStage, ...], count: int) -> np.ndarray:
    """Slow states at steady state with no ketamine on board (constant drives such as memantine's only)."""
    no_drug = {"ce_mg_per_l": np.zeros((count, 1)), "habituation_mg_per_l": np.zeros((count, 1))}
    earlier = np.zeros((count, 0, 1))
    for stage in stages:
        forcing = np.einsum("pnd,pdm->pnm", stage.input, stage.drives(no_drug, earlier))
        state = -np.linalg.solve(stage.matrix, forcing)
        earlier = np.concatenate([earlier, state], axis=1)
    return earlier[:, :, 0]
