"""Every state change of the conversation core goes through a function in this package."""
