"""Python code using the ilo kernels."""

from __future__ import annotations

from . import kernels


def project(balance: float, rate: float, years: int) -> tuple[float, str]:
    """Compound `balance` over `years` (native `grow`), then describe it (fallback `label`)."""
    final = kernels.grow(balance, rate, years)
    account = kernels.deposit(kernels.acct(bal=0, rate=rate), final)
    return final, kernels.label(account)
