"""The customer's pages of the help center (the FAQ itself is the faq app, the chat the chat app)."""
