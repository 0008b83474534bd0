-- Orleans ADO.NET clustering (membership) and the query catalogue shared by all Orleans providers.
-- Contract: /work/shared/orleans-adonet-postgres-contract.md §0-§1. The providers read the catalogue
-- unquoted, so it must resolve as orleansquery(querykey, querytext).

create table if not exists orleansquery (
    querykey  text primary key,
    querytext text not null
);

-- One row per cluster (DeploymentId): the compare-and-set token of the membership protocol.
create table if not exists orleans_membership_version (
    deployment_id text primary key,
    version       integer not null default 0 check (version >= 0),
    updated_at    timestamptz not null default now()
);

-- One row per silo incarnation; a restarted silo gets a new generation and so a new row.
create table if not exists orleans_membership (
    deployment_id   text not null references orleans_membership_version (deployment_id),
    address         text not null,     -- IP as text: the provider reads it back as a string
    port            integer not null,
    generation      integer not null,
    silo_name       text not null,
    host_name       text not null,
    status          integer not null,
    proxy_port      integer not null,
    suspect_times   text,              -- opaque to us, stored verbatim
    start_time      timestamptz not null,
    i_am_alive_time timestamptz not null,
    primary key (deployment_id, address, port, generation)
);

insert into orleansquery (querykey, querytext) values

-- Truthy only for the caller that created the row; concurrent silo starts must not raise.
('InsertMembershipVersionKey', $q$
with created as (
    insert into orleans_membership_version (deployment_id)
    values (@DeploymentId)
    on conflict (deployment_id) do nothing
    returning 1
)
select exists (select 1 from created) as created
$q$),

-- Version row outer-joined to members: one statement, so one snapshot. No members gives one
-- row with a NULL StartTime, which the provider reads as "version only".
('MembershipReadAllKey', $q$
select v.version       as Version,
       m.address       as Address,
       m.port          as Port,
       m.generation    as Generation,
       m.silo_name     as SiloName,
       m.host_name     as HostName,
       m.status        as Status,
       m.proxy_port    as ProxyPort,
       m.suspect_times as SuspectTimes,
       m.start_time    as StartTime,
       m.i_am_alive_time as IAmAliveTime
from orleans_membership_version v
left join orleans_membership m on m.deployment_id = v.deployment_id
where v.deployment_id = @DeploymentId
$q$),

('MembershipReadRowKey', $q$
select v.version       as Version,
       m.address       as Address,
       m.port          as Port,
       m.generation    as Generation,
       m.silo_name     as SiloName,
       m.host_name     as HostName,
       m.status        as Status,
       m.proxy_port    as ProxyPort,
       m.suspect_times as SuspectTimes,
       m.start_time    as StartTime,
       m.i_am_alive_time as IAmAliveTime
from orleans_membership_version v
left join orleans_membership m
       on m.deployment_id = v.deployment_id
      and m.address = @Address and m.port = @Port and m.generation = @Generation
where v.deployment_id = @DeploymentId
$q$),

-- Compare-and-set: lock the version row only if it still holds @Version (a concurrent writer
-- makes us wait, then the re-check fails), insert the silo only under that lock, and bump the
-- version only if the insert happened. Any miss leaves everything untouched and returns false.
('InsertMembershipKey', $q$
with locked as (
    select deployment_id
    from orleans_membership_version
    where deployment_id = @DeploymentId and version = @Version
    for update
), inserted as (
    insert into orleans_membership
        (deployment_id, address, port, generation, silo_name, host_name,
         status, proxy_port, start_time, i_am_alive_time)
    select deployment_id, @Address, @Port, @Generation, @SiloName, @HostName,
           @Status, @ProxyPort, @StartTime, @IAmAliveTime
    from locked
    on conflict (deployment_id, address, port, generation) do nothing
    returning deployment_id
), bumped as (
    update orleans_membership_version v
    set version = @Version + 1, updated_at = now()
    from inserted i
    where v.deployment_id = i.deployment_id and v.version = @Version
    returning 1
)
select exists (select 1 from bumped) as inserted
$q$),

-- Same compare-and-set shape as the insert; SiloName, HostName, StartTime and ProxyPort are not sent.
('UpdateMembershipKey', $q$
with locked as (
    select deployment_id
    from orleans_membership_version
    where deployment_id = @DeploymentId and version = @Version
    for update
), updated as (
    update orleans_membership m
    set status = @Status, suspect_times = @SuspectTimes, i_am_alive_time = @IAmAliveTime
    from locked l
    where m.deployment_id = l.deployment_id
      and m.address = @Address and m.port = @Port and m.generation = @Generation
    returning m.deployment_id
), bumped as (
    update orleans_membership_version v
    set version = @Version + 1, updated_at = now()
    from updated u
    where v.deployment_id = u.deployment_id and v.version = @Version
    returning 1
)
select exists (select 1 from bumped) as updated
$q$),

-- Heartbeat: deliberately outside the version protocol.
('UpdateIAmAlivetimeKey', $q$
update orleans_membership
set i_am_alive_time = @IAmAliveTime
where deployment_id = @DeploymentId
  and address = @Address and port = @Port and generation = @Generation
$q$),

('GatewaysQueryKey', $q$
select address as Address, proxy_port as ProxyPort, generation as Generation
from orleans_membership
where deployment_id = @DeploymentId and status = @Status and proxy_port > 0
$q$),

-- Members and version row in one statement, so the deployment disappears as a unit.
('DeleteMembershipTableEntriesKey', $q$
with members as (
    delete from orleans_membership where deployment_id = @DeploymentId
)
delete from orleans_membership_version where deployment_id = @DeploymentId
$q$),

-- Only Dead (6) rows silent since before the cutoff: never an Active row, never a version change.
('CleanupDefunctSiloEntriesKey', $q$
delete from orleans_membership
where deployment_id = @DeploymentId and status = 6 and i_am_alive_time < @IAmAliveTime
$q$)

on conflict (querykey) do update set querytext = excluded.querytext;
