"""shared/web"""
