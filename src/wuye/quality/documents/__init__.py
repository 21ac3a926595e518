"""documents of quality management: the downloads its pages and API answer."""
