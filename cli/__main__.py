"""`python -m cli`: the same entry point as the `hallofshame` script (used by `hallofshame job`)."""

from cli.main import main

main()
