"""Security regression tests: one module per area of the threat model (SECURITY.md)."""
