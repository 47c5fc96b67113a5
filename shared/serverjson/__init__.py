"""shared/serverjson"""
