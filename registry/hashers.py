"""The hasher for generated one-time initial passwords.

An account import creates thousands of accounts at once; with Django's default PBKDF2
(about a million iterations) hashing their passwords would take the better part of an
hour. A generated initial password is 14 random characters (over 80 bits), so a guess
costs as much as it ever will whatever the iteration count, and the owner must replace it
at the first sign-in. That sign-in also re-hashes it with the default hasher (Django
upgrades any password whose hasher is not the first listed), so the cheap hash never
outlives the first login.
"""

from django.contrib.auth.hashers import PBKDF2PasswordHasher


class InitialPasswordHasher(PBKDF2PasswordHasher):
    algorithm = "pbkdf2_initial"
    iterations = 1000
