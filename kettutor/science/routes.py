"""Routes of administration: bioavailability, absorption rate and the share that passes the liver first.

Each route delivers a dose in one of four ways:

- ``intravascular`` (IV bolus or infusion): straight into the central compartment, F = 1.
- ``depot`` (IM): a fraction F is absorbed first-order from the injection site, bypassing the liver.
- ``mucosal`` (intranasal, sublingual, rectal): part is absorbed first-order across the mucosa
  (bypassing the liver); the rest is swallowed and follows the oral path.
- ``enteral`` (oral): absorbed from the gut and carried through the liver, which extracts ``E_H`` before
  the drug reaches the circulation (hepatic first-pass). What the liver extracts forms norketamine.

The mucosal share is derived from the route's cited total F and the drug's oral F:
``direct = (F - F_oral) / (1 - F_oral)``. Absorption runs through two first-order stages (release at
2 ka, then absorption at ka; see :mod:`kettutor.solver.model`). Absorption rates were calibrated
(``scripts/calibrate.py``) so that the model's Tmax matches the tabulated Tmax of each route (``shared/science/ketamine-pkpd.md`` section 2a); the
calibration is checked by ``tests/test_routes.py``.
"""

from __future__ import annotations

from dataclasses import dataclass

from .._validate import check_choice, shown
from .params import CitedParameters, check_fields, check_labels, cited


@dataclass(frozen=True)
class Route(CitedParameters):
    """How one route delivers a dose of one drug.

    Bioavailability is a fraction of the dose, the absorption rate in 1/h and the validated dose in mg/kg.

    >>> from dataclasses import replace
    >>> from kettutor import ROUTES
    >>> oral = ROUTES["oral"]
    >>> oral.kind, 0.1 < oral.bioavailability < 0.4   # swallowed: first-pass metabolism leaves a small fraction F
    ('enteral', True)
    >>> replace(ROUTES["intranasal"], bioavailability=0.6).bioavailability   # fraction of the dose
    0.6
    """

    name: str = cited("oral", "", "route name", "")
    drug: str = cited("ketamine", "", "parent drug this route's numbers describe", "")
    kind: str = cited("enteral", "", "intravascular, depot, mucosal or enteral", "")
    bioavailability: float = cited(0.23, "fraction", "absolute bioavailability F", "Chong et al. 2006 Pain Med")
    absorption_rate_per_h: float = cited(
        1.6, "1/h", "first-order absorption rate ka of the non-swallowed share", "calibrated to Tmax"
    )
    validated_max_dose_mg_per_kg: float = cited(
        4.5, "mg/kg", "largest dose the model's sources cover for this route", "Ketalar label"
    )
    absorption_stages: int = cited(
        2, "", "first-order stages before the circulation: 2 (release, then absorption) or 1", "kettutor.solver.model"
    )
    sources: tuple[tuple[str, str], ...] = ()

    def __post_init__(self) -> None:
        check_labels(self, "name", "drug")
        check_choice("kind", self.kind, ("intravascular", "depot", "mucosal", "enteral"))
        check_choice("drug", self.drug, ("ketamine", "esketamine"))
        check_fields(
            self, {"bioavailability": (0.0, 1.0), "absorption_rate_per_h": (0.0, 1000.0), "validated_max_dose_mg_per_kg": (0.0, 100.0)},
            above=("bioavailability",),
        )
        if self.absorption_stages not in (1, 2) or isinstance(self.absorption_stages, bool):
            raise ValueError(f"absorption_stages must be 1 or 2; got {shown(self.absorption_stages)}.")


def _route(
    name: str, kind: str, f: float, f_source: str, ka: float, ka_source: str, max_dose: float, max_source: str,
    drug: str = "ketamine", stages: int = 2,
) -> Route:
    return Route(
        name=name,
        drug=drug,
        kind=kind,
        bioavailability=f,
        absorption_rate_per_h=ka,
        validated_max_dose_mg_per_kg=max_dose,
        absorption_stages=stages,
        sources=(("bioavailability", f_source), ("absorption_rate_per_h", ka_source), ("validated_max_dose_mg_per_kg", max_source)),
    )


ROUTES: dict[str, Route] = {
    route.name: route
    for route in (
        _route("iv_bolus", "intravascular", 1.0, "reference route", 0.0, "not absorbed",
               4.5, "Ketalar label: IV induction 1-4.5 mg/kg"),
        _route("iv_infusion", "intravascular", 1.0, "reference route", 0.0, "not absorbed",
               4.5, "Ketalar label: IV induction 1-4.5 mg/kg"),
        _route("im", "depot", 0.93, "primidi.com / Clements 1982 (secondary)", 8.68,
               "calibrated (scripts/calibrate.py): 10 mg/kg IM reaches surgical depth in 3.5 min (Ketalar label: "
               "9-13 mg/kg, anaesthesia in 3-4 min); Tmax then ~8 min (IM 5-20 min, ketamine-pkpd.md 2a)",
               13.0, "Ketalar label: IM 9-13 mg/kg"),
        _route("intranasal", "mucosal", 0.45, "Yanagihara et al. 2003 Biopharm Drug Dispos 24:37", 3.38,
               "calibrated (scripts/calibrate.py): Tmax 20 min (14-23 min, Pharmacotherapy 2022;42:298)",
               1.0, "Pharmacotherapy 2022;42:298: up to 50 mg"),
        _route("sublingual", "mucosal", 0.30, "Rolan et al. 2014 Br J Clin Pharmacol 77:1011 (29 %); Chong 2006 (32 %)", 1.61,
               "calibrated to Tmax 0.75 h (Rolan 2014; Chong 2006 0.76 h) for the mucosal share; the swallowed share "
               "(most of the dose) sets Tmax at ~30 min",
               1.0, "Chong et al. 2006 Pain Med; Rolan 2014 (25 mg)"),
        _route("rectal", "mucosal", 0.30, "Yanagihara et al. 2003 (~30 %)", 1.87,
               "calibrated to Tmax 40 min (Jantzen et al. 1985 Anaesthesist 34:346, dogs) for the mucosal share; the "
               "swallowed share sets Tmax at ~30 min",
               1.0, "Yanagihara et al. 2003"),
        _route("oral", "enteral", 0.23, "Chong et al. 2006 Pain Med (23 +/- 9 %); Yanagihara et al. 2003 (~20 %)", 0.0,
               "swallowed doses use Disposition.gut_absorption_rate_per_h",
               1.0, "Zanos et al. 2018 Pharmacol Rev Table 1 (oral 0.5 mg/kg)"),
        _route("esketamine_nasal_spray", "mucosal", 0.52,
               "Perez-Ruixo et al. 2021 Clin Pharmacokinet 60:501: F 54 % (56 mg), 51 % (84 mg)", 4.75,
               "calibrated (scripts/calibrate.py): Tmax 30 min (Spravato label: 20-40 min); single stage as in "
               "Perez-Ruixo et al. 2021 (ka 2.93 1/h with their hepatic compartment)",
               1.2, "Spravato label: 84 mg per session", drug="esketamine", stages=1),
    )
}

SPRAY_DEVICE_MG = 28.0  # Spravato label: one device delivers 28 mg (two sprays)
SPRAY_DEVICE_GAP_MIN = 5.0  # Spravato label: wait 5 minutes between devices


# Everyday names of routes, answered with the model's names (difflib would suggest 'intranasal' for 'intravenous').
ROUTE_ALIASES = {
    "intravenous": "'iv_bolus' (an injection) or 'iv_infusion' (with infusion_min)",
    "iv": "'iv_bolus' (an injection) or 'iv_infusion' (with infusion_min)",
    "infusion": "'iv_infusion'",
    "bolus": "'iv_bolus'",
    "intramuscular": "'im'",
    "nasal": "'intranasal' (racemic ketamine) or 'esketamine_nasal_spray'",
    "spray": "'esketamine_nasal_spray'",
    "esketamine": "'esketamine_nasal_spray'",
    "po": "'oral'",
    "by_mouth": "'oral'",
    "sl": "'sublingual'",
    "pr": "'rectal'",
}


def get_route(name: str) -> Route:
    """Look up a route by name, suggesting the closest name on a typo."""
    if isinstance(name, str) and name not in ROUTES:
        alias = ROUTE_ALIASES.get(name.strip().lower().replace(" ", "_"))
        if alias:
            raise ValueError(f"unknown route {name!r}. Did you mean {alias}? Valid routes: {', '.join(sorted(ROUTES))}.")
    return ROUTES[check_choice("route", name, ROUTES)]


def direct_fraction(route: Route, oral_bioavailability: float) -> float:
    """Share of a dose absorbed without passing the liver (fraction of dose)."""
    if route.kind in ("intravascular", "depot"):
        return route.bioavailability
    if route.kind == "enteral":
        return 0.0
    return (route.bioavailability - oral_bioavailability) / (1.0 - oral_bioavailability)


def swallowed_fraction(route: Route, oral_bioavailability: float) -> float:
    """Share of a dose that reaches the gut and follows the oral path (fraction of dose)."""
    if route.kind == "enteral":
        return 1.0
    if route.kind == "mucosal":
        return 1.0 - direct_fraction(route, oral_bioavailability)
    return 0.0
