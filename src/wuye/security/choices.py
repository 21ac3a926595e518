"""Choices of security (秩序消防)."""
