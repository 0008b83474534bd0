-- Orleans ADO.NET grain persistence. Contract §2.
-- Identity is (service, state name, n0, n1, extension); a NULL extension equals a NULL extension,
-- hence NULLS NOT DISTINCT. The provider's hashes are not stored: the identity index serves lookups,
-- and stored rows then don't depend on the configured hasher.

create table if not exists orleans_storage (
    service_id         text    not null,
    grain_type         text    not null,   -- the state name, not the grain class
    grain_id_n0        bigint  not null,
    grain_id_n1        bigint  not null,
    grain_id_extension text,
    payload            bytea,              -- NULL after a clear; the row stays to keep counting versions
    version            integer not null,
    modified_at        timestamptz not null default now()
);

create unique index if not exists orleans_storage_identity
    on orleans_storage (service_id, grain_type, grain_id_n0, grain_id_n1, grain_id_extension)
    nulls not distinct;

insert into orleansquery (querykey, querytext) values

('ReadFromStorageKey', $q$
select payload as PayloadBinary, version as Version
from orleans_storage
where service_id = @ServiceId and grain_type = @GrainTypeString
  and grain_id_n0 = @GrainIdN0 and grain_id_n1 = @GrainIdN1
  and grain_id_extension is not distinct from @GrainIdExtensionString
$q$),

-- No version: insert version 1 unless the identity exists (the unique index makes exactly one
-- concurrent first write win; the loser gets no row, i.e. a conflict, not a unique violation).
-- Version v: replace only if the row still has v. Either way no row back means a conflict.
('WriteToStorageKey', $q$
with inserted as (
    insert into orleans_storage
        (service_id, grain_type, grain_id_n0, grain_id_n1, grain_id_extension, payload, version)
    select @ServiceId, @GrainTypeString, @GrainIdN0, @GrainIdN1, @GrainIdExtensionString, @PayloadBinary, 1
    where @GrainStateVersion is null
    on conflict (service_id, grain_type, grain_id_n0, grain_id_n1, grain_id_extension) do nothing
    returning version
), updated as (
    update orleans_storage
    set payload = @PayloadBinary, version = version + 1, modified_at = now()
    where service_id = @ServiceId and grain_type = @GrainTypeString
      and grain_id_n0 = @GrainIdN0 and grain_id_n1 = @GrainIdN1
      and grain_id_extension is not distinct from @GrainIdExtensionString
      and version = @GrainStateVersion
    returning version
)
select version as NewGrainStateVersion from inserted
union all
select version from updated
$q$),

('ClearStorageKey', $q$
update orleans_storage
set payload = null, version = version + 1, modified_at = now()
where service_id = @ServiceId and grain_type = @GrainTypeString
  and grain_id_n0 = @GrainIdN0 and grain_id_n1 = @GrainIdN1
  and grain_id_extension is not distinct from @GrainIdExtensionString
  and version = @GrainStateVersion
returning version
$q$),

-- Used with DeleteStateOnClear: any non-NULL value other than the sent version means success.
('DeleteStorageKey', $q$
delete from orleans_storage
where service_id = @ServiceId and grain_type = @GrainTypeString
  and grain_id_n0 = @GrainIdN0 and grain_id_n1 = @GrainIdN1
  and grain_id_extension is not distinct from @GrainIdExtensionString
  and version = @GrainStateVersion
returning version + 1
$q$)

on conflict (querykey) do update set querytext = excluded.querytext;
