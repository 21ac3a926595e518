"""The declared processes of security (秩序消防, manual ch.6), each under its own header."""
