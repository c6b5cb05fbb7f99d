"""The demo: a development app whose ``seed_demo`` command fills the help desk with staff,
customers, orders, help articles (Markdown files under ``articles/``), canned replies and six
months of conversations, and whose ``show_demo_logins`` prints who to sign in as. Installed
always: ``make run`` and the tests seed with it."""
