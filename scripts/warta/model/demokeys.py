"""The public halves of the DEMO keys bundled with Warta (tests/demo/keys/), whose private
halves are public: recognised by the key itself, whatever comment or flag a file gives it."""

from __future__ import annotations

DEMO_PUBLIC_KEYS = frozenset(
    {
        "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIBMIRGXbJ2pIr5xW1NasnGM6siNo9mW1nwu1odIjksAL",
        "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAICRB269rCusWM5CF6HnddDyvhSUs12urU+3seqMK4ey3",
        "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIE1ouxDoAWsTit1YfhHQL0a8a/jCXOnI/apuq0UAAdLG",
        "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIHAA47SgZoBUGkEpGlBtbX/iED4fGL75be04mNCF9SNF",
        "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIN9dPZVWoSV3mCOkcZztL4w+TUWAbcRdVU5DCZVuN/wy",
        "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOwP07jIhcM5a/e9d7uQdQeChuRLTuhkBCH3+bQd6Lo0",
    }
)


def is_demo_key(public_key: str) -> bool:
    """Whether ``public_key`` ('type base64 [comment]') is one of the bundled DEMO keys."""
    return " ".join(public_key.split()[:2]) in DEMO_PUBLIC_KEYS


#: The office the sample's trust root names. Every repository made from the sample rather
#: than by ``warta init`` names it too, so a signature made in one counts in the others.
DEMO_OFFICE = "kabupaten-sukamaju-contoh"
