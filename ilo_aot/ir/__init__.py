"""Typed IR for native backends: data structures (`ir`), lowering from the verified AST
(`lower`), eligibility analysis (`eligibility`) and the shared runtime-error convention
(`errors`)."""
