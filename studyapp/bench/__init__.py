"""The benchmark: a synthetic collection at scale, driven through gunicorn by a load client."""
