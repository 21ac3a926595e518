"""Printable forms and exports of security (秩序消防)."""
