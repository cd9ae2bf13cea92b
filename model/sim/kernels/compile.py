"""How every kernel is compiled: numba, cached on disk, no fast-math (the IEEE operations named)."""

import numba

#: The decorator of every kernel: compiled once per machine, then loaded from ``__pycache__``.
jit = numba.njit(cache=True, nogil=True)
