"""The ``bulletin`` command: its subcommands, each in a module of its own."""
