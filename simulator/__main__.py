"""Run the simulator: `python -m simulator --help`."""

from simulator.cli import main

raise SystemExit(main())
