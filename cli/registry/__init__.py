"""cli/registry"""
