-- Cluster-wide replay guard for signed HTTP requests: a signature hash is accepted once until it expires.
-- request_id names the HTTP request that recorded it, so the gateway's retry of that same request (its first answer
-- lost when a silo died) is accepted again while any other request carrying the signature is a replay.
create table if not exists ainur_seen_signatures (
    signature_hash bytea primary key,
    expires_at     timestamptz not null,
    request_id     uuid not null
);

-- The purge deletes by expiry.
create index if not exists ainur_seen_signatures_expires_at on ainur_seen_signatures (expires_at);
