"""Benchmark runners: warroom's components measured against public labelled data sets."""
