"""Satisfaction surveys by email for resolved conversations not rated in the chat."""
