"""warroom: evidence-first root-cause analysis argued out by a panel of agents."""

__version__ = "0.1.0"
