"""The policy texts shipped with policydiff (package data; see README.md here)."""
