-- Two roles (docs/deploy.md, "PostgreSQL"): the owner runs migrations and owns every
-- table; the app role, which gunicorn and Celery use, owns nothing and may only read and
-- write rows. It cannot ALTER or DROP a table, disable the audit log's triggers, or
-- TRUNCATE; on the audit log it may only SELECT and INSERT.
--
-- Run as a superuser, once, with the role names and the database given as variables:
--   psql -v owner=portal_owner -v app=portal_app -v db=portal -f deploy/postgres-roles.sql
-- then, after every `migrate` (new tables), deploy/postgres-grants.sql as the owner.
SELECT format('CREATE ROLE %I LOGIN', :'owner')
 WHERE NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = :'owner') \gexec
SELECT format('CREATE ROLE %I LOGIN', :'app')
 WHERE NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = :'app') \gexec
SELECT format('CREATE DATABASE %I OWNER %I ENCODING %L TEMPLATE template0', :'db', :'owner', 'UTF8')
 WHERE NOT EXISTS (SELECT 1 FROM pg_database WHERE datname = :'db') \gexec
\connect :db
-- PostgreSQL 15 no longer lets every role create in public; the owner needs to.
SELECT format('GRANT ALL ON SCHEMA public TO %I', :'owner') \gexec
SELECT format('ALTER SCHEMA public OWNER TO %I', :'owner') \gexec
