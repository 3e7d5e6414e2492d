//! Shared helpers for the workspace tests (see the files under `tests/`).
