"""Batch extraction over news archives: inputs → run store → concurrent extraction → tables."""

from extractor.batch.records import Outcome
from extractor.batch.run import BatchCounters, BatchOptions, BatchSummary, aextract_many, extract_many
from extractor.batch.sources import FieldMap, InputFailure, InputRecord, SourceOptions, read_inputs

__all__ = ["BatchOptions", "BatchCounters", "BatchSummary", "FieldMap", "InputFailure", "InputRecord", "Outcome",
           "SourceOptions", "aextract_many", "extract_many", "read_inputs"]
