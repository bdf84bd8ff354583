"""Staff accounts and sign-in.

- `auth`: roles, password hashing, sign-in and lock-out; `python -m outreach.accounts.auth create-user`;
- `users`: account administration (create, change role, deactivate, reset, unlock), audited;
- `sessions`: server-side sign-in sessions (start, resolve, revoke), so a reload stays signed in;
- `sso`: single sign-on role mapping (the provider proves an address, the database decides the role).
"""
