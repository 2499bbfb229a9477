"""Output formats for a decision: siblings behind one `ReportFormat` interface."""
