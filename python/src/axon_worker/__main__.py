"""`python -m axon_worker`: see docs/worker-protocol.md (`template` starts a fork template, _template.py)."""

import sys

if sys.argv[1:2] == ["template"]:
    from ._template import main as template_main

    raise SystemExit(template_main(sys.argv[2:]))

from ._main import main

raise SystemExit(main())
