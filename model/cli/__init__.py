"""The ``govsim`` command line: a module per verb, each with its parser and command.

Core objects: ``main`` (the console script ``govsim``; also ``python -m govsim.cli``),
``build_parser`` and the exit codes. By module: ``main`` (the parser and ``main``),
``shared`` (exit codes, argument types, the parser class), and one per verb: ``run``,
``compare``, ``sweep``, ``check``, ``schema``, ``validate``, ``viz``.

Exit codes: 0 success; 2 bad input (a one-paragraph message on stderr naming the
file, line, field path, value and what is allowed; no traceback; nothing written);
1 internal error (a short message; the traceback only with ``GOVSIM_DEBUG=1``);
130 interrupted by Ctrl-C, 143 by SIGTERM (the run folder says ``interrupted``).

To add a verb: write a module with ``add_parser(verbs)`` (its sub-parser, with
``set_defaults(handler=verb)``) and ``def verb(args) -> int``, and list it in
``main.VERBS``. Heavy imports (the model, pandas, matplotlib) happen inside the verbs
that need them, each marked with its reason, so ``check``, ``schema`` and every
bad-input message answer quickly.
"""

from govsim.cli.main import build_parser, main
from govsim.cli.shared import EXIT_BAD_INPUT, EXIT_INTERNAL, EXIT_OK

__all__ = ["EXIT_BAD_INPUT", "EXIT_INTERNAL", "EXIT_OK", "build_parser", "main"]
