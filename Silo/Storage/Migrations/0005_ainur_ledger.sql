-- The ledger's durable state. Every table is keyed by chain id first, so several chains (a test's, a shard's) can
-- share one database without seeing each other's rows.

-- Each validator's own copy of the finalized chain: heights 1..last with no gaps, each block with its commit
-- certificate. block is Block.Encode(); certificate is the canonical CommitCertificate bytes; round is the
-- certificate's (the round the block was committed in). A row is never updated: a different block at a stored
-- height would be a fork, which the store refuses.
create table if not exists ainur_ledger_blocks (
    chain_id     text        not null,
    validator    integer     not null,
    height       bigint      not null,
    round        integer     not null,
    block_hash   bytea       not null,
    block        bytea       not null,
    certificate  bytea       not null,
    tx_count     integer     not null,
    committed_at timestamptz not null default now(),
    primary key (chain_id, validator, height)
);

-- Signed transactions and keys barely compress; storing them uncompressed (still out of line) saves the
-- compression attempt on every insert.
alter table ainur_ledger_blocks alter column block set storage external;

-- Each validator's double-sign guard: the last (height, round, step) it signed, for which block (null: nil), and
-- its Tendermint lock (locked_round -1: unlocked). Written before the signed message leaves the validator.
create table if not exists ainur_ledger_signing_guards (
    chain_id     text        not null,
    validator    integer     not null,
    height       bigint      not null,
    round        integer     not null,
    step         smallint    not null,
    block_hash   bytea       null,
    locked_round integer     not null,
    locked_hash  bytea       null,
    recent_votes bytea       not null default '\x00000000',
    updated_at   timestamptz not null default now(),
    primary key (chain_id, validator)
);

-- Where each finalized transaction is: its block height and its position (0-based) in that block. Written by the
-- chain's one indexer, block after block; derived data, rebuilt from the blocks if lost.
create table if not exists ainur_ledger_transactions (
    chain_id text    not null,
    tx_id    bytea   not null,
    height   bigint  not null,
    position integer not null,
    primary key (chain_id, tx_id)
);

-- The highest height whose transactions are all in ainur_ledger_transactions (heights 1..height, no gaps).
create table if not exists ainur_ledger_index_progress (
    chain_id   text        primary key,
    height     bigint      not null,
    updated_at timestamptz not null default now()
);

-- A validator's latest ledger-state snapshot (LedgerSnapshot bytes), so it restarts from there instead of from
-- genesis; checked against the state root of its stored block at that height before use. Replaced, never appended.
create table if not exists ainur_ledger_snapshots (
    chain_id   text        not null,
    validator  integer     not null,
    height     bigint      not null,
    state      bytea       not null,
    taken_at   timestamptz not null default now(),
    primary key (chain_id, validator)
);

alter table ainur_ledger_snapshots alter column state set storage external;
