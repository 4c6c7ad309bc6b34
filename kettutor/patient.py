"""Simulated patients: body size, age, sex, comedications and individual parameter multipliers."""

from __future__ import annotations

from dataclasses import dataclass, field

from ._validate import check_choice, check_number, check_sequence, shown, warn_outside
from .science.adaptation import ADJUNCT_BENEFIT_DECAY_MULTIPLIER
from .science.comedications import get_comedication
from .science.params import CitedParameters, cited

SEXES = ("female", "male")
MULTIPLIERS = (
    "clearance_multiplier", "volume_multiplier", "sensitivity_multiplier", "ke0_multiplier",
    "intrinsic_clearance_multiplier", "adaptation_multiplier",
)
# Individual multipliers span 1/100 to 20 times typical: far wider than any population (sampled cohorts keep
# 0.05-20); below 1/100 clearance, the slowest elimination modes would be too slow for double precision.
MIN_MULTIPLIER, MAX_MULTIPLIER = 0.01, 20.0


@dataclass(frozen=True)
class Patient(CitedParameters):
    """One simulated patient. The defaults describe a typical 70 kg, 40-year-old adult on no other medicines.

    Individual multipliers (1.0 = typical) let a cohort or a lesson make a patient who clears the drug
    faster, is more sensitive, and so on. Body weight is in kg, age in years. Change a value with
    ``dataclasses.replace``:

    >>> from dataclasses import replace
    >>> from kettutor import Patient
    >>> woman = Patient(weight_kg=60.0, age_years=55.0, sex="female", name="woman, 60 kg")
    >>> woman.weight_kg, woman.sex   # kg
    (60.0, 'female')
    >>> replace(woman, clearance_multiplier=1.5).clearance_multiplier   # clears the drug 1.5 x faster than typical
    1.5
    >>> woman.with_comedication("memantine").comedications
    ('memantine',)
    """

    weight_kg: float = cited(70.0, "kg", "body weight", "reference adult of the PK models (Domino; Herd 2007)")
    age_years: float = cited(40.0, "years", "age", "typical adult")
    sex: str = cited("male", "", "'female' or 'male'; women clear ketamine ~20 % faster", "Sigtermans et al. 2009 Anesthesiology 111:892")
    comedications: tuple[str, ...] = field(default=(), metadata={"unit": "", "description": "interacting medicines taken", "source": "kettutor.COMEDICATIONS"})
    clearance_multiplier: float = cited(1.0, "x", "individual clearance relative to typical", "typical = 1")
    volume_multiplier: float = cited(1.0, "x", "individual distribution volumes relative to typical", "typical = 1")
    sensitivity_multiplier: float = cited(1.0, "x", "divides every EC50 (2 = twice as sensitive)", "typical = 1")
    ke0_multiplier: float = cited(1.0, "x", "individual effect-site equilibration speed", "typical = 1")
    intrinsic_clearance_multiplier: float = cited(
        1.0, "x", "hepatic intrinsic clearance relative to typical (e.g. CYP2B6 genotype); moves oral exposure most",
        "typical = 1",
    )
    adaptation_multiplier: float = cited(1.0, "x", "individual speed of tolerance and sensitization build-up", "typical = 1")
    adjunct_therapy: str = cited(
        "none", "", "'none', 'psychotherapy' or 'exercise': slows the fading of the antidepressant benefit",
        "kettutor.science.adaptation.ADJUNCT_BENEFIT_DECAY_MULTIPLIER",
    )
    name: str = cited("typical adult", "", "label for charts", "")

    def __post_init__(self) -> None:
        weight = check_number("weight_kg", self.weight_kg, "kg", low=3.0, high=250.0, low_inclusive=True)
        warn_outside("weight_kg", weight, "kg", 40.0, 150.0, "adult PK studies")
        age = check_number("age_years", self.age_years, "years", low=0.0, high=120.0, low_inclusive=True)
        warn_outside("age_years", age, "years", 18.0, 90.0, "adult PK studies")
        check_choice("sex", self.sex, SEXES)
        check_choice("adjunct therapy", self.adjunct_therapy, ADJUNCT_BENEFIT_DECAY_MULTIPLIER)
        if isinstance(self.comedications, str):
            raise ValueError(
                f"comedications must be a tuple of names, e.g. ({self.comedications!r},); got the string {self.comedications!r}."
            )
        if type(self.comedications) is not tuple:
            comedications = check_sequence("comedications", self.comedications, "comedication names", example="('memantine',)")
            object.__setattr__(self, "comedications", comedications)
        for name in self.comedications:
            get_comedication(name)
        for multiplier in MULTIPLIERS:
            check_number(multiplier, getattr(self, multiplier), "x typical", low=MIN_MULTIPLIER, high=MAX_MULTIPLIER, low_inclusive=True)
        if not isinstance(self.name, str):
            raise ValueError(f"name must be a str (a label for charts); got {shown(self.name)}.")

    def with_comedication(self, name: str) -> "Patient":
        """A copy of this patient who also takes ``name``."""
        from dataclasses import replace

        return replace(self, comedications=self.comedications + (get_comedication(name).name,))


EXAMPLE_PATIENTS: dict[str, Patient] = {
    "typical_adult": Patient(),
    "older_woman": Patient(weight_kg=62.0, age_years=78.0, sex="female", name="older woman (78 y)"),
    "large_man": Patient(weight_kg=115.0, age_years=45.0, name="large man (115 kg)"),
    "on_clarithromycin": Patient(comedications=("clarithromycin",), name="adult on clarithromycin"),
    "on_rifampicin": Patient(comedications=("rifampicin",), name="adult on rifampicin"),
    "on_benzodiazepine": Patient(comedications=("benzodiazepine",), name="adult on a benzodiazepine"),
    "on_memantine": Patient(comedications=("memantine",), name="adult on memantine"),
    "with_psychotherapy": Patient(adjunct_therapy="psychotherapy", name="adult in psychotherapy"),
}
