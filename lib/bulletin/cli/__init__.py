"""The ``bulletin`` command: ``render`` and ``import``, on top of every other stage."""
