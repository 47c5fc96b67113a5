"""Deployment routing generated from the route table: the nginx router and Gateway API rules."""
