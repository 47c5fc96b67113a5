"""shared/events"""
