"""`gavel keys`: the Ed25519 keys that sign evidence records and checkpoints.

`generate` makes the first key, `rotate` hands signing over to a new key and records the hand-over
in the evidence log (signed by both keys), `show` lists the keys or prints their public PEM blocks
for an auditor's trusted-keys file.
"""

from __future__ import annotations

import click
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from ..engine.errors import UsageError
from ..evidence.keys import ACTIVE_FILE, generate_key, load_signer, set_active, write_key
from ..evidence.store import EvidenceStore
from .settings import Settings


def settings_of(context: click.Context) -> Settings:
    """The settings `cli.py` put on the context, else those of the environment."""
    found = context.find_object(Settings)
    return found if found is not None else Settings.from_environment()


@click.group(name="keys")
def command() -> None:
    """Manage the signing keys of the evidence log."""


@command.command()
@click.pass_context
def generate(context: click.Context) -> None:
    """Create the first signing key (later keys come from `rotate`)."""
    keys_dir = settings_of(context).keys_dir
    if (keys_dir / ACTIVE_FILE).exists():
        active = load_signer(keys_dir).key_id
        raise UsageError(f"{keys_dir}: signing key {active} already exists", hint="use `gavel keys rotate`")
    signer = generate_key(keys_dir)
    click.echo(f"generated signing key {signer.key_id} in {keys_dir}")


@command.command()
@click.option(
    "--evidence", "evidence_url", help="Evidence store URL (default: $GAVEL_EVIDENCE or the local store)."
)
@click.pass_context
def rotate(context: click.Context, evidence_url: str | None) -> None:
    """Hand signing over to a new key; the hand-over is recorded in the log, signed by both keys."""
    settings = settings_of(context)
    old = load_signer(settings.keys_dir)
    new = write_key(settings.keys_dir, Ed25519PrivateKey.generate())
    with EvidenceStore.open(evidence_url or settings.evidence_url) as store:
        receipt = store.rotate(old, new)
    set_active(settings.keys_dir, new.key_id)
    click.echo(
        f"rotated signing key {old.key_id} -> {new.key_id} (recorded at log index {receipt.log_index})"
    )


@command.command()
@click.option(
    "--pem", is_flag=True, help="Print every public key as PEM, for an auditor's trusted-keys file."
)
@click.pass_context
def show(context: click.Context, pem: bool) -> None:
    """List the signing keys; the active one is marked with `*`."""
    keys_dir = settings_of(context).keys_dir
    public_files = sorted(keys_dir.glob("*.pub"))
    if not public_files:
        raise UsageError(f"{keys_dir}: no signing keys", hint="run `gavel keys generate`")
    active_file = keys_dir / ACTIVE_FILE
    active = active_file.read_text(encoding="ascii").strip() if active_file.exists() else ""
    for path in public_files:
        if pem:
            click.echo(path.read_text(encoding="ascii"), nl=False)
        else:
            click.echo(f"{'*' if path.stem == active else ' '} {path.stem}  {path}")
