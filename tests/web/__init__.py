"""Web app tests (FastAPI TestClient over a temporary SQLite bureau)."""
