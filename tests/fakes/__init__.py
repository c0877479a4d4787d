"""Test doubles shared by the pipeline, client, CLI and API tests."""
