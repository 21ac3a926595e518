"""Printable documents of the environment department (QR zone labels, inspection records)."""
