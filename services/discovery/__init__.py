"""services/discovery"""
