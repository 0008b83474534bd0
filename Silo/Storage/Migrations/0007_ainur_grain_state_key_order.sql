-- The group-commit statements look rows up by (service, store, state name, grain id) joined to a batch. With the key
-- led by service and store, a planner whose statistics say a store is empty (a store that appeared after the last
-- ANALYZE, a fresh database under load) scans every row of the store by that prefix for each batch: measured at 800-2000
-- buffer hits per batch of five rows. Led by the grain id, the index can only be used per row, so each lookup stays
-- a few buffers whatever the statistics say. Rebuilt only when the key is still in the old order: re-runnable.
do $$
begin
    if (select a.attname
        from pg_index i
        join pg_attribute a on a.attrelid = i.indrelid and a.attnum = i.indkey[0]
        where i.indrelid = 'ainur_grain_state'::regclass and i.indisprimary) <> 'grain_id' then
        alter table ainur_grain_state drop constraint ainur_grain_state_pkey;
        alter table ainur_grain_state add constraint ainur_grain_state_pkey primary key (grain_id, state_name, store, service_id);
    end if;
end
$$;
