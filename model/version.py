"""The version of govsim (one place: the package face and every manifest read it)."""

__version__ = "0.1.0"
