"""forms of the hub, one module per domain (organisations, admission, dispatch ...)."""
