"""gavel: policy-as-code compliance and governance for ML and data platforms.

The repository root is this package; each folder is one part of the architecture:
`engine` (models, Rego evaluation, waivers, risk), `adapters` (sources into resources),
`reports` (output formats), `evidence` (signed decision log), `server` (HTTP services),
`commands` + `cli` (the command line, wiring only).
"""

__version__ = "0.1.0"
