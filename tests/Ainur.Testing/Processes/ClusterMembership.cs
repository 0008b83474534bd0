using Npgsql;

namespace Ainur.Testing.Processes;

/// <summary>Reads the Orleans membership table (<c>orleans_membership</c>, migration 0001) of a test database.</summary>
public static class ClusterMembership
{
    /// <summary>Orleans' <c>SiloStatus.Active</c> as stored in the <c>status</c> column.</summary>
    public const int Active = 3;

    /// <summary>How many silos of <paramref name="clusterId"/> the table lists as active.</summary>
    public static async Task<int> CountActiveAsync(string connectionString, string clusterId, CancellationToken cancellationToken = default)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = new NpgsqlCommand(
            "select count(*) from orleans_membership where deployment_id = @cluster and status = @active", connection);
        command.Parameters.AddWithValue("cluster", clusterId);
        command.Parameters.AddWithValue("active", Active);
        return Convert.ToInt32(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false), System.Globalization.CultureInfo.InvariantCulture);
    }
}
