"""Log evidence: template mining, exceptions, new / bursting / vanishing templates, error share.

Public surface:

- ``TemplateMiner`` / ``Template``: online template mining (``miner``);
- ``extract_exceptions`` / ``ExceptionInfo`` / ``Frame`` / ``location_of``: exceptions and
  stack traces in Java, Python, Go and Node, and ``Class#line`` logger locations
  (``exceptions``);
- ``log_evidence`` / ``LogAnalysis``: per-entity comparison of the current window with the
  baseline, as bounded ``Evidence`` items with stable ids (``analysis``), including broken
  flows: a line that always followed another in the same request (trace id) stopped
  (``flows``), error lines that name another component (``naming``) and logger locations
  read back from raw lines when ingest stripped them with the header (``sources``).
"""

from warroom.evidence.logs.analysis import LogAnalysis, log_evidence
from warroom.evidence.logs.exceptions import (
    ExceptionInfo,
    Frame,
    ParsedException,
    extract_exceptions,
    location_of,
    parse_exception,
)
from warroom.evidence.logs.levels import is_error_like
from warroom.evidence.logs.miner import Template, TemplateMiner, mask

__all__ = [
    "ExceptionInfo",
    "Frame",
    "LogAnalysis",
    "ParsedException",
    "Template",
    "TemplateMiner",
    "extract_exceptions",
    "is_error_like",
    "location_of",
    "log_evidence",
    "mask",
    "parse_exception",
]
