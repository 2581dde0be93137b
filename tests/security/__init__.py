"""Security tests (issue #13): each proves one hole is closed."""
