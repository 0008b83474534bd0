using Ainur.Grains.Storage;

namespace Ainur.Grains.Tests.Storage;

/// <summary>
/// The stores' data source prepares a statement text it runs repeatedly, so PostgreSQL stops parsing and planning it on
/// every call (35% of its CPU on the task benchmark before).
/// </summary>
public sealed class StatementDataSourceTests(DatabaseFixture fixture) : IClassFixture<DatabaseFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task AStatementRunRepeatedly_IsPreparedOnItsConnection()
    {
        await using var dataSource = StatementDataSource.Create(fixture.Database.ConnectionString);
        var marker = $"prepared_{Guid.NewGuid():N}";
        var sql = $"select $1::int as {marker}";

        // One at a time, so the pool hands out its one connection each time.
        for (var i = 0; i < 3; i++)
        {
            await using var command = dataSource.CreateCommand(sql);
            command.Parameters.AddWithValue(i);
            Assert.Equal(i, await command.ExecuteScalarAsync(Ct));
        }

        await using var check = dataSource.CreateCommand("select count(*) from pg_prepared_statements where statement like $1");
        check.Parameters.AddWithValue($"%{marker}%");
        Assert.Equal(1L, await check.ExecuteScalarAsync(Ct));
    }

    [Fact]
    public async Task APreparedStatement_IsPlannedForItsArgumentsEveryTime()
    {
        await using var dataSource = StatementDataSource.Create(fixture.Database.ConnectionString + ";Options=-c statement_timeout=60000");
        await using var command = dataSource.CreateCommand("select current_setting('plan_cache_mode'), current_setting('statement_timeout')");
        await using var reader = await command.ExecuteReaderAsync(Ct);
        Assert.True(await reader.ReadAsync(Ct));

        Assert.Equal("force_custom_plan", reader.GetString(0));
        Assert.Equal("1min", reader.GetString(1));
    }
}
