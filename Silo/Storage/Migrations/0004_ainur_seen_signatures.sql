-- Cluster-wide replay guard for signed HTTP requests: a signature hash is accepted once until it expires.
create table if not exists ainur_seen_signatures (
    signature_hash bytea primary key,
    expires_at     timestamptz not null
);

-- The purge deletes by expiry.
create index if not exists ainur_seen_signatures_expires_at on ainur_seen_signatures (expires_at);
