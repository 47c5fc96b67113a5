"""shared/storage"""
