"""What every app of the project shares and nothing else: it imports none of them
(``faq`` stands alone, yet raises the same ``NotFound`` as the others)."""
