-- A login is one in any case (auth_login, users_find): the lookup of the
-- login as typed or lower-cased reads this index instead of every user.
CREATE INDEX users_login_lower ON users (lower(login));
