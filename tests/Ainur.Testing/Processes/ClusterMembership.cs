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

    /// <summary>The silo port and gateway (proxy) port of every silo of <paramref name="clusterId"/> the table lists as active.</summary>
    public static async Task<IReadOnlyList<(int SiloPort, int GatewayPort)>> ActivePortsAsync(
        string connectionString, string clusterId, CancellationToken cancellationToken = default)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = new NpgsqlCommand(
            "select port, proxy_port from orleans_membership where deployment_id = @cluster and status = @active order by port", connection);
        command.Parameters.AddWithValue("cluster", clusterId);
        command.Parameters.AddWithValue("active", Active);
        var ports = new List<(int, int)>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            ports.Add((reader.GetInt32(0), reader.GetInt32(1)));
        }

        return ports;
    }
}
