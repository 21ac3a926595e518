"""Pages of security (秩序消防), one module per topic; thin: every write goes through services."""
