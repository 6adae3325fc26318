-- Sample data for the demo and the tests: several tables, a sequence, a view, a function,
-- non-ASCII text and a bytea column, as a Django app's schema has them, and Django's own record
-- of the migrations applied (which a restore drill compares).
CREATE TABLE IF NOT EXISTS auth_user (
  id bigserial PRIMARY KEY,
  username text NOT NULL UNIQUE,
  display_name text NOT NULL,
  joined timestamptz NOT NULL DEFAULT now()
);
CREATE TABLE IF NOT EXISTS beefont_job (
  id bigserial PRIMARY KEY,
  owner_id bigint NOT NULL REFERENCES auth_user(id),
  title text NOT NULL,
  status text NOT NULL CHECK (status IN ('queued', 'running', 'done')),
  settings jsonb NOT NULL DEFAULT '{}'
);
CREATE TABLE IF NOT EXISTS beefont_glyph (
  id bigserial PRIMARY KEY,
  job_id bigint NOT NULL REFERENCES beefont_job(id),
  codepoint integer NOT NULL,
  outline bytea NOT NULL,
  note text
);
CREATE TABLE IF NOT EXISTS django_migrations (
  id serial PRIMARY KEY,
  app varchar(255) NOT NULL,
  name varchar(255) NOT NULL,
  applied timestamptz NOT NULL
);
CREATE SEQUENCE IF NOT EXISTS invoice_number_seq START 1000;
CREATE OR REPLACE FUNCTION glyph_label(cp integer) RETURNS text LANGUAGE sql IMMUTABLE AS
  $$ SELECT 'U+' || upper(lpad(to_hex(cp), 4, '0')) $$;
CREATE OR REPLACE VIEW beefont_job_summary AS
  SELECT j.id, u.username, j.title, count(g.id) AS glyphs
  FROM beefont_job j JOIN auth_user u ON u.id = j.owner_id LEFT JOIN beefont_glyph g ON g.job_id = j.id
  GROUP BY j.id, u.username, j.title;

INSERT INTO auth_user (username, display_name) VALUES
  ('ana', 'Ana Müller'), ('björn', 'Björn Ødegård'), ('chen', '陈静'), ('dmitri', 'Дмитрий'),
  ('emoji', 'Bee 🐝 Keeper'), ('quote', 'O''Brien "the" \\ backslash');
INSERT INTO beefont_job (owner_id, title, status, settings)
  SELECT 1 + (n % 6), 'Font ' || n || E'\twith tab and\nnewline', (ARRAY['queued','running','done'])[1 + n % 3],
         jsonb_build_object('size', n, 'name', 'fönt-' || n)
  FROM generate_series(1, 50) AS n;
INSERT INTO beefont_glyph (job_id, codepoint, outline, note)
  SELECT 1 + (n % 50), 65 + n, decode(md5(n::text) || '00ff0a0d5c', 'hex'),
         CASE WHEN n % 7 = 0 THEN NULL ELSE glyph_label(65 + n) END
  FROM generate_series(1, 2000) AS n;
INSERT INTO django_migrations (app, name, applied) VALUES
  ('contenttypes', '0001_initial', '2025-11-03 09:00:00+00'),
  ('auth', '0001_initial', '2025-11-03 09:00:01+00'),
  ('beefont', '0001_initial', '2025-11-03 09:00:02+00'),
  ('beefont', '0002_glyph_note', '2025-12-01 14:30:00+00');
SELECT setval('invoice_number_seq', 1234);
