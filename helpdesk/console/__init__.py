"""The agent console: a real-time inbox and conversation view inside the admin."""
