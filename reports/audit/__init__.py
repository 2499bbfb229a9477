"""Audit reports over a period of evidence: HTML, Markdown, OSCAL assessment results, PolicyReports, JSON."""
