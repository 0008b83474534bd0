-- Grain state of the hot-path stores (tasks, escrows, reputation), written by the group-commit grain storage
-- (Grains/Storage/GroupCommit): many rows per statement, one commit per batch. Identity is the service, the store
-- name, the state name and the grain id as Orleans prints it (type/key), so stores and services never collide.
-- version counts writes and clears from 1; a clear sets payload to NULL and keeps the row, so versions never repeat.
create table if not exists ainur_grain_state (
    service_id  text        not null,
    store       text        not null,
    state_name  text        not null,
    grain_id    text        not null,
    payload     bytea,
    version     integer     not null,
    modified_at timestamptz not null default now(),
    primary key (service_id, store, state_name, grain_id)
) with (fillfactor = 80);  -- room on each page for the new row version: updates stay HOT (no key column changes)
