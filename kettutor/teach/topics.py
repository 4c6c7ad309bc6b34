"""The topics the lessons teach; each lesson lists its ids in its notebook metadata (``kettutor.topics``)."""

TOPICS: dict[str, str] = {
    "routes-and-kinetics": "how each route gets ketamine into the blood, and how it leaves",
    "acute-effects": "from concentration to effect: anaesthesia, dissociation, analgesia, antidepressant",
    "tolerance": "the same dose does less",
    "dose-and-frequency": "how dose and dosing interval decide what repeated use does",
    "chronic-use": "plateaus and slow adaptation under months of use",
    "drug-holidays": "breaks in dosing and how much response comes back",
    "tapering": "lowering the dose step by step",
    "titration": "raising the dose step by step to a response",
    "monitoring-response": "measuring the response and acting on it",
    "combination-therapy": "ketamine given with other medicines on purpose",
    "drug-interactions": "other medicines that change ketamine's exposure or effect",
    "personalisation": "metabolism, genetics and body size: every patient is different",
    "sensitization": "the same dose does more",
    "effect-specific-tolerance": "different effects adapt at different speeds",
    "cross-tolerance": "tolerance to one drug carrying over to another",
    "apparent-tolerance": "a falling response that is not tolerance",
    "withdrawal-and-dependence": "what happens when frequent use stops",
    "addiction-dependence-tolerance": "three different words for three different things",
    "responsible-use": "harms, limits of the model, and why it is not a dosing guide",
}
