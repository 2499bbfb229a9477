"""The core of gavel: resource model, policy loading, Rego evaluation, waivers and risk.

Nothing here reads files outside its arguments, talks to a database or a clock: adapters,
reports, evidence and the command line depend on this package, never the other way round.
"""
