"""Desktop integration files and the app icon (package data)."""
