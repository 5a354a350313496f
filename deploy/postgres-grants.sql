-- The app role's rights on what the migrations created. Run as the owner after every
-- `migrate` (idempotent):
--   psql -v app=portal_app "$OWNER_DATABASE_URL" -f deploy/postgres-grants.sql
SELECT format('GRANT USAGE ON SCHEMA public TO %I', :'app') \gexec
SELECT format('GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO %I', :'app') \gexec
SELECT format('GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO %I', :'app') \gexec
-- The audit log: append and read only, whatever the triggers say.
SELECT format('REVOKE UPDATE, DELETE, TRUNCATE ON registry_auditentry FROM %I', :'app') \gexec
