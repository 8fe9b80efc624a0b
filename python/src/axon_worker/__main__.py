"""`python -m axon_worker`: see docs/worker-protocol.md."""

from ._main import main

raise SystemExit(main())
