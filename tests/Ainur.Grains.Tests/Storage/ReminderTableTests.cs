using Microsoft.Extensions.Options;
using Orleans;
using Orleans.Configuration;
using Orleans.Runtime;

namespace Ainur.Grains.Tests.Storage;

/// <summary>The unmodified Orleans ADO.NET reminder table against Ainur's schema (contract §3, §5 item 10).</summary>
public sealed class ReminderTableTests(DatabaseFixture fixture) : IClassFixture<DatabaseFixture>
{
    private static readonly DateTime T0 = new(2026, 11, 26, 12, 0, 0, 250, DateTimeKind.Utc);
    private readonly string _serviceId = $"service-{Guid.NewGuid():N}";
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task UpsertRow_Twice_GivesDifferentETags()
    {
        var table = await CreateTableAsync();
        var grain = NewGrain();

        var first = await table.UpsertRow(Reminder(grain, "tick"), Ct);
        var second = await table.UpsertRow(Reminder(grain, "tick", TimeSpan.FromMinutes(2)), Ct);

        Assert.NotEqual(first, second);
        var row = await ReadRowAsync(table, grain, "tick");
        Assert.Equal(second, row.ETag);
        Assert.Equal(TimeSpan.FromMinutes(2), row.Period);
    }

    [Fact]
    public async Task ReadRow_AfterUpsert_ReturnsPeriodUtcStartAndETag()
    {
        var table = await CreateTableAsync();
        var grain = NewGrain();
        var etag = await table.UpsertRow(Reminder(grain, "tick", TimeSpan.FromSeconds(90)), Ct);

        var row = await ReadRowAsync(table, grain, "tick");

        Assert.Equal(grain, row.GrainId);
        Assert.Equal("tick", row.ReminderName);
        Assert.Equal(TimeSpan.FromSeconds(90), row.Period);
        Assert.Equal(T0, row.StartAt);
        Assert.Equal(DateTimeKind.Utc, row.StartAt.Kind);
        Assert.Equal(etag, row.ETag);
    }

    [Fact]
    public async Task UpsertRow_PeriodOfFortyDays_RoundTrips()
    {
        var table = await CreateTableAsync();
        var grain = NewGrain();

        await table.UpsertRow(Reminder(grain, "monthly", TimeSpan.FromDays(40)), Ct);

        Assert.Equal(TimeSpan.FromDays(40), (await ReadRowAsync(table, grain, "monthly")).Period);
    }

    [Fact]
    public async Task ReadRow_WhenMissing_ReturnsNull()
    {
        var table = await CreateTableAsync();

        Assert.Null(await table.ReadRow(NewGrain(), "tick", Ct));
    }

    [Fact]
    public async Task ReadRows_ForGrain_ReturnsAllItsRemindersOnly()
    {
        var table = await CreateTableAsync();
        var grain = NewGrain();
        await table.UpsertRow(Reminder(grain, "a"), Ct);
        await table.UpsertRow(Reminder(grain, "b"), Ct);
        await table.UpsertRow(Reminder(NewGrain(), "a"), Ct);

        var rows = await table.ReadRows(grain, Ct);

        Assert.Equal(["a", "b"], rows.Reminders.Select(r => r.ReminderName).Order());
    }

    [Fact]
    public async Task ReadRows_RangeEndingAtGrainHash_ContainsGrain()
    {
        var table = await CreateTableAsync();
        var (positive, negative) = await UpsertPositiveAndNegativeHashGrainsAsync(table);

        foreach (var grain in new[] { positive, negative })
        {
            var h = grain.GetUniformHashCode();
            Assert.Equal([grain], await GrainsInRangeAsync(table, h - 1, h));
        }
    }

    [Fact]
    public async Task ReadRows_RangeStartingAtGrainHash_ExcludesGrain()
    {
        var table = await CreateTableAsync();
        var (positive, negative) = await UpsertPositiveAndNegativeHashGrainsAsync(table);

        foreach (var grain in new[] { positive, negative })
        {
            var h = grain.GetUniformHashCode();
            Assert.Empty(await GrainsInRangeAsync(table, h, h + 1));
        }
    }

    [Fact]
    public async Task ReadRows_EqualBounds_ReturnsWholeRing()
    {
        var table = await CreateTableAsync();
        var (positive, negative) = await UpsertPositiveAndNegativeHashGrainsAsync(table);

        Assert.Equal(new[] { positive, negative }.Order(), (await GrainsInRangeAsync(table, 12345, 12345)).Order());
    }

    [Fact]
    public async Task ReadRows_RangeWrappingPastSignedMaximum_ContainsNegativeHashGrain()
    {
        var table = await CreateTableAsync();
        var (positive, negative) = await UpsertPositiveAndNegativeHashGrainsAsync(table);
        var h = negative.GetUniformHashCode();   // >= 2^31: negative once reinterpreted as a signed int

        // (0x7000_0000, h] runs past int.MaxValue into the negative signed values.
        Assert.Equal([negative], await GrainsInRangeAsync(table, 0x7000_0000, h));
        Assert.Empty(await GrainsInRangeAsync(table, 0x7000_0000, h - 1));
        // (h, positive] runs past uint.MaxValue back through 0.
        Assert.Equal([positive], await GrainsInRangeAsync(table, h, positive.GetUniformHashCode()));
    }

    [Fact]
    public async Task RemoveRow_WithStaleThenCurrentETag_RemovesOnlyWithCurrentOnce()
    {
        var table = await CreateTableAsync();
        var grain = NewGrain();
        var stale = Assert.IsType<string>(await table.UpsertRow(Reminder(grain, "tick"), Ct));
        var current = Assert.IsType<string>(await table.UpsertRow(Reminder(grain, "tick"), Ct));

        Assert.False(await table.RemoveRow(grain, "tick", stale, Ct));
        Assert.NotNull(await table.ReadRow(grain, "tick", Ct));
        Assert.True(await table.RemoveRow(grain, "tick", current, Ct));
        Assert.False(await table.RemoveRow(grain, "tick", current, Ct));
        Assert.Null(await table.ReadRow(grain, "tick", Ct));
    }

    [Fact]
    public async Task UpsertRow_Concurrent_NeverFailsAndEachChangesVersion()
    {
        var table = await CreateTableAsync();
        var grain = NewGrain();

        var etags = await Task.WhenAll(Enumerable.Range(0, 8)
            .Select(_ => Task.Run(() => table.UpsertRow(Reminder(grain, "tick"), Ct), Ct)));

        Assert.Equal(8, etags.Distinct().Count());
        Assert.Single((await table.ReadRows(grain, Ct)).Reminders);
    }

    [Fact]
    public async Task TestOnlyClearTable_EmptiesOnlyThisService()
    {
        var table = await CreateTableAsync();
        var otherService = await CreateTableAsync($"other-{Guid.NewGuid():N}");
        var grain = NewGrain();
        await table.UpsertRow(Reminder(grain, "a"), Ct);
        await table.UpsertRow(Reminder(grain, "b"), Ct);
        await otherService.UpsertRow(Reminder(grain, "a"), Ct);

        await table.TestOnlyClearTable(Ct);

        Assert.Empty((await table.ReadRows(0, 0, Ct)).Reminders);
        Assert.Single((await otherService.ReadRows(0, 0, Ct)).Reminders);
    }

    private static GrainId NewGrain() => GrainId.Create("reminded", Guid.NewGuid().ToString("N"));

    private static ReminderEntry Reminder(GrainId grain, string name, TimeSpan? period = null) => new()
    {
        GrainId = grain,
        ReminderName = name,
        StartAt = T0,
        Period = period ?? TimeSpan.FromMinutes(1),
    };

    private static async Task<ReminderEntry> ReadRowAsync(IReminderTable table, GrainId grain, string name) =>
        Assert.IsType<ReminderEntry>(await table.ReadRow(grain, name, Ct));

    private static async Task<GrainId[]> GrainsInRangeAsync(IReminderTable table, uint begin, uint end) =>
        (await table.ReadRows(begin, end, Ct)).Reminders.Select(r => r.GrainId).ToArray();

    // Grains whose ring hash is below and above 2^31, i.e. positive and negative as signed ints.
    private static async Task<(GrainId Positive, GrainId Negative)> UpsertPositiveAndNegativeHashGrainsAsync(IReminderTable table)
    {
        var candidates = Enumerable.Range(0, 1000).Select(i => GrainId.Create("reminded", $"ring-{i}")).ToArray();
        // Away from the ends of each half, so h - 1 and h + 1 stay in the same half.
        var positive = candidates.First(g => g.GetUniformHashCode() is > 0x1000_0000 and < 0x7000_0000);
        var negative = candidates.First(g => g.GetUniformHashCode() is > 0x9000_0000 and < 0xF000_0000);
        await table.UpsertRow(Reminder(positive, "ring"), Ct);
        await table.UpsertRow(Reminder(negative, "ring"), Ct);
        return (positive, negative);
    }

    private async Task<IReminderTable> CreateTableAsync(string? serviceId = null)
    {
        // AdoNetReminderTable is internal; the silo constructs it from exactly these two options.
        var type = typeof(AdoNetReminderTableOptions).Assembly.GetType("Orleans.Runtime.ReminderService.AdoNetReminderTable", throwOnError: true)!;
        var table = (IReminderTable)Activator.CreateInstance(type,
            Options.Create(new ClusterOptions { ClusterId = "c", ServiceId = serviceId ?? _serviceId }),
            Options.Create(new AdoNetReminderTableOptions { Invariant = "Npgsql", ConnectionString = fixture.Database.ConnectionString }))!;
        await table.StartAsync(Ct);
        return table;
    }
}
