-- Hosted WebAssembly modules, content-addressed: hash is the Blake2b-256 of bytes. A row is written once (uploads of the
-- same bytes are no-ops); nondeterministic_at is set when three executions of one task gave three different outputs.
create table if not exists ainur_wasm_modules (
    hash                    bytea primary key check (length(hash) = 32),
    bytes                   bytea not null,
    uploaded_by             text not null,
    uploaded_at             timestamptz not null default now(),
    nondeterministic_at     timestamptz,
    nondeterministic_detail text
);
