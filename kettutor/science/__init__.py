"""Floor 0, the science: cited parameter values and the physiology (pharmacokinetics by route,
interacting medicines, concentration-effect curves, adaptation). Imports nothing of kettutor's but its input checks.
"""
