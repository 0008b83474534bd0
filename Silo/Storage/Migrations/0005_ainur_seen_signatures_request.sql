-- Which request recorded a signature: a retried replay-guard call of the same request (its first answer lost when a
-- silo died) is accepted again, a different request carrying the same signature is still a replay.
alter table ainur_seen_signatures add column if not exists request_id uuid;
