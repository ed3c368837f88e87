-- The audit log read by who did it (the administrators' page /audit?login=),
-- newest first.
CREATE INDEX audit_log_login ON audit_log (login, id);
