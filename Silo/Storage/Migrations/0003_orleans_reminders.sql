-- Orleans ADO.NET reminders. Contract §3.
-- grain_hash is the uint ring hash reinterpreted as a signed int, and the provider sends the range
-- bounds the same way: comparing signed against signed keeps the ring semantics.

create table if not exists orleans_reminders (
    service_id    text        not null,
    grain_id      text        not null,   -- GrainId.ToString(), parsed back verbatim
    reminder_name text        not null,
    start_time    timestamptz not null,
    period        bigint      not null,   -- milliseconds; may exceed 2^31
    grain_hash    integer     not null,
    version       integer     not null,
    primary key (service_id, grain_id, reminder_name)
);

create index if not exists orleans_reminders_ring on orleans_reminders (service_id, grain_hash);

insert into orleansquery (querykey, querytext) values

('ReadReminderRowsKey', $q$
select grain_id as GrainId, reminder_name as ReminderName, start_time as StartTime,
       period as Period, version as Version
from orleans_reminders
where service_id = @ServiceId and grain_id = @GrainId
$q$),

('ReadReminderRowKey', $q$
select grain_id as GrainId, reminder_name as ReminderName, start_time as StartTime,
       period as Period, version as Version
from orleans_reminders
where service_id = @ServiceId and grain_id = @GrainId and reminder_name = @ReminderName
$q$),

-- (begin, end] without wrap-around.
('ReadRangeRows1Key', $q$
select grain_id as GrainId, reminder_name as ReminderName, start_time as StartTime,
       period as Period, version as Version
from orleans_reminders
where service_id = @ServiceId and grain_hash > @BeginHash and grain_hash <= @EndHash
$q$),

-- (begin, end] wrapping past the maximum; begin = end is the whole ring.
('ReadRangeRows2Key', $q$
select grain_id as GrainId, reminder_name as ReminderName, start_time as StartTime,
       period as Period, version as Version
from orleans_reminders
where service_id = @ServiceId and (grain_hash > @BeginHash or grain_hash <= @EndHash)
$q$),

-- Every upsert changes the version so older ETags go stale; ON CONFLICT makes concurrent
-- upserts of one reminder serialise instead of failing on the key.
('UpsertReminderRowKey', $q$
insert into orleans_reminders
    (service_id, grain_id, reminder_name, start_time, period, grain_hash, version)
values (@ServiceId, @GrainId, @ReminderName, @StartTime, @Period, @GrainHash, 0)
on conflict (service_id, grain_id, reminder_name) do update
set start_time = excluded.start_time,
    period     = excluded.period,
    grain_hash = excluded.grain_hash,
    version    = orleans_reminders.version + 1
returning version as Version
$q$),

('DeleteReminderRowKey', $q$
with deleted as (
    delete from orleans_reminders
    where service_id = @ServiceId and grain_id = @GrainId and reminder_name = @ReminderName
      and version = @Version
    returning 1
)
select exists (select 1 from deleted) as deleted
$q$),

('DeleteReminderRowsKey', $q$
delete from orleans_reminders where service_id = @ServiceId
$q$)

on conflict (querykey) do update set querytext = excluded.querytext;
