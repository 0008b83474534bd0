using System.Diagnostics;
using System.Globalization;

namespace Ainur.Testing.Processes;

/// <summary>
/// A PostgreSQL server of a test's own, run by <c>scripts/pg.sh</c> (the instance <c>fault</c>, in <c>.data/pg-fault</c>)
/// on a free port, which the test may stop and start: the shared test server cannot be restarted under the tests
/// running beside it. One test at a time per checkout uses it; disposal stops it.
/// </summary>
public sealed class PostgresInstance : IAsyncDisposable
{
    private const string Instance = "fault";
    private readonly int _port;

    private PostgresInstance(int port) => _port = port;

    /// <summary>Admin connection string: may create and drop databases.</summary>
    public string AdminConnectionString => $"Host=127.0.0.1;Port={_port};Username=postgres;Database=postgres";

    /// <summary>Starts the instance on a free port (stopping it first if an earlier run left it running).</summary>
    public static async Task<PostgresInstance> LaunchAsync(CancellationToken ct = default)
    {
        var instance = new PostgresInstance(FreePort.Next());
        await instance.StopAsync(ct);
        await instance.StartAsync(ct);
        return instance;
    }

    /// <summary>Starts the server again (<c>pg.sh start</c>: returns once it accepts connections).</summary>
    public Task StartAsync(CancellationToken ct = default) => RunAsync("start", ct);

    /// <summary>Stops the server (<c>pg_ctl stop -m fast</c>: every session is ended, the server checkpoints and exits).</summary>
    public Task StopAsync(CancellationToken ct = default) => RunAsync("stop", ct);

    /// <inheritdoc/>
    public async ValueTask DisposeAsync() => await StopAsync(CancellationToken.None);

    private async Task RunAsync(string command, CancellationToken ct)
    {
        var start = new ProcessStartInfo(Path.Combine(BuiltNode.RepositoryRoot, "scripts", "pg.sh"), [command, Instance])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.Environment["AINUR_PG_FAULT_PORT"] = _port.ToString(CultureInfo.InvariantCulture);
        using var process = Process.Start(start) ?? throw new InvalidOperationException("could not run scripts/pg.sh");
        var output = process.StandardOutput.ReadToEndAsync(ct);
        var error = process.StandardError.ReadToEndAsync(ct);
        await process.WaitForExitAsync(ct);
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"scripts/pg.sh {command} {Instance} exited with {process.ExitCode}: {await output}{await error}");
        }
    }
}
