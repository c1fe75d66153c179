"""Writes of the linkage app (one module per concern; import from here)."""

from xingfu.linkage.services.decisions import ACCEPT, REJECT, candidate_decide, candidate_reveal
from xingfu.linkage.services.merge import person_merge
from xingfu.linkage.services.runs import list_upload, run_execute, run_repeat, run_start

__all__ = [
    "ACCEPT",
    "REJECT",
    "candidate_decide",
    "candidate_reveal",
    "list_upload",
    "person_merge",
    "run_execute",
    "run_repeat",
    "run_start",
]
