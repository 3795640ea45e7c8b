"""The aggregator's subcommands (`aggregate`, `stats`), registered on the `hallofshame` group."""
