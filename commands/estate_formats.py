"""The estate graph for people and tools: a text tree, Graphviz DOT and JSON.

`gavel estate show` exists so a user can see why a cross-layer rule fired: which classification a
resource carries and where it came from, which edges join it to other layers (and through which
job an edge was inherited), and which of its links named nothing collected. Each format is a
function of the estate alone, `render_<format>(estate) -> str`.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from typing import Any

from ..engine.estate import Estate
from ..engine.graph import Edge


def estate_document(estate: Estate) -> dict[str, Any]:
    """Resources (with classification, why, identities), edges and unresolved links."""
    resources = []
    for rid, resource in estate.resources.items():
        resources.append(
            {
                "id": rid,
                "kind": resource.kind,
                "name": resource.name,
                "platform": resource.platform,
                "source": {"file": resource.provenance.source, "line": resource.provenance.line},
                "classification": estate.classification.get(rid),
                "reasons": list(estate.reasons.get(rid, ())),
                "identities": list(resource.identities),
            }
        )
    unresolved = [
        {"from": rid, "type": link.type, "target": link.target}
        for rid, links in estate.unresolved.items()
        for link in links
    ]
    return {
        "summary": {"resources": len(resources), "edges": len(estate.edges), "unresolved": len(unresolved)},
        "resources": resources,
        "edges": [edge.to_document() for edge in estate.edges],
        "unresolved": unresolved,
    }


def render_json(estate: Estate) -> str:
    return json.dumps(estate_document(estate), indent=2) + "\n"


def render_text(estate: Estate) -> str:
    """One block per resource: what it is, its classification and why, then its edges."""
    outgoing: dict[str, list[Edge]] = {}
    incoming: dict[str, list[Edge]] = {}
    for edge in estate.edges:
        outgoing.setdefault(edge.source, []).append(edge)
        incoming.setdefault(edge.target, []).append(edge)
    lines: list[str] = []
    for rid, resource in estate.resources.items():
        where = resource.provenance.source + (
            f":{resource.provenance.line}" if resource.provenance.line else ""
        )
        lines.append(f"{rid}  ({resource.kind}, {where})")
        lines.extend(_classification_lines(estate, rid))
        if resource.identities:
            lines.append(f"  answers to: {', '.join(resource.identities)}")
        width = max((len(e.type) for e in [*outgoing.get(rid, ()), *incoming.get(rid, ())]), default=0)
        lines.extend(f"  -> {e.type:<{width}}  {e.target}{_via(e)}" for e in outgoing.get(rid, ()))
        lines.extend(f"  <- {e.type:<{width}}  {e.source}{_via(e)}" for e in incoming.get(rid, ()))
        lines.extend(
            f"  -? {link.type}  {link.target}  (nothing collected answers to it)"
            for link in estate.unresolved.get(rid, ())
        )
    unresolved = sum(len(links) for links in estate.unresolved.values())
    lines.append(
        f"{len(estate.resources)} resources, {len(estate.edges)} edges, {unresolved} unresolved links"
    )
    return "\n".join(lines) + "\n"


def _classification_lines(estate: Estate, rid: str) -> Iterator[str]:
    level = estate.classification.get(rid)
    if level is None:
        return
    yield f"  classification: {level}"
    yield from (f"    because: {reason}" for reason in estate.reasons.get(rid, ()))


def _via(edge: Edge) -> str:
    return f"  (via {edge.via})" if edge.via else ""


_FILL = {"personal": "#f9d5b3", "special-category": "#f4a6a6", "confidential": "#fff2b3"}


def render_dot(estate: Estate) -> str:
    """A Graphviz digraph: resources as boxes (shaded by classification), edges labelled by type;
    inherited edges dashed, links to nothing collected dotted to a dashed placeholder."""
    lines = ["digraph estate {", "  rankdir=LR;", '  node [shape=box, fontname="Helvetica"];']
    for rid, resource in estate.resources.items():
        level = estate.classification.get(rid)
        label = "\n".join(part for part in (resource.kind, resource.name, level) if part)
        style = f', style=filled, fillcolor="{_FILL[level]}"' if level in _FILL else ""
        lines.append(f"  {_quote(rid)} [label={_quote(label)}{style}];")
    placeholders: dict[str, None] = {}
    for edge in estate.edges:
        dashed = f", style=dashed, tooltip={_quote('via ' + edge.via)}" if edge.via else ""
        lines.append(f"  {_quote(edge.source)} -> {_quote(edge.target)} [label={_quote(edge.type)}{dashed}];")
    for rid, links in estate.unresolved.items():
        for link in links:
            placeholders.setdefault(link.target)
            lines.append(
                f"  {_quote(rid)} -> {_quote(link.target)} [label={_quote(link.type)}, style=dotted];"
            )
    lines.extend(f"  {_quote(key)} [style=dashed, color=grey];" for key in placeholders)
    lines.append("}")
    return "\n".join(lines) + "\n"


def _quote(text: str) -> str:
    """A DOT quoted ID: backslashes and quotes escaped, newlines as DOT's centred line break."""
    escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
    return f'"{escaped}"'


RENDERERS: dict[str, Callable[[Estate], str]] = {"text": render_text, "dot": render_dot, "json": render_json}
