"""The token of the link that confirms an account's email address.

Stateless, like Django's password-reset token (and built by the same generator): an HMAC with
SECRET_KEY over the account, its address and whether it is confirmed yet, with a timestamp;
nothing is stored, so there is no table of tokens to leak. It expires after
``PASSWORD_RESET_TIMEOUT``, is spent once the address is confirmed (``email_verified_at``
changes) and is void for any other address the account may get. Its own salt keeps it from
ever passing as a password-reset token or the other way round.

The link alone proves only the mailbox: confirming also needs the password holder signed in
(accounts.views.email_verify), so the owner of a mailbox cannot be led to confirm an account
someone else created with their address.
"""

from django.contrib.auth.tokens import PasswordResetTokenGenerator


class EmailVerificationTokenGenerator(PasswordResetTokenGenerator):
    key_salt = "accounts.tokens.EmailVerificationTokenGenerator"

    def _make_hash_value(self, user, timestamp):
        verified = "" if user.email_verified_at is None else user.email_verified_at.isoformat()
        return f"{user.pk}\0{user.email.lower()}\0{verified}\0{timestamp}"


email_verification_token = EmailVerificationTokenGenerator()
