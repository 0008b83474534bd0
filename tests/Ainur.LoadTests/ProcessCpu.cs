using System.Diagnostics;
using System.Globalization;
using Npgsql;

namespace Ainur.LoadTests;

/// <summary>
/// CPU time split between this process (the node: grains, storage providers, Npgsql), the PostgreSQL server (postmaster
/// and its backends, read from /proc), and everything else on the machine, between two snapshots.
/// </summary>
internal sealed record ProcessCpu(TimeSpan Node, TimeSpan Postgres, TimeSpan Machine, long Timestamp)
{
    // Linux reports /proc times in clock ticks of 1/100 s on every platform .NET runs on here.
    private const double TicksPerSecond = 100;

    /// <summary>The postmaster's pid of the server at <paramref name="connectionString"/>, or null when its data folder cannot be read.</summary>
    public static async Task<int?> PostmasterAsync(string connectionString)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("select current_setting('data_directory')", connection);
        var folder = (string)(await command.ExecuteScalarAsync())!;
        var pidFile = Path.Combine(folder, "postmaster.pid");
        return File.Exists(pidFile) ? int.Parse(File.ReadLines(pidFile).First(), CultureInfo.InvariantCulture) : null;
    }

    public static ProcessCpu Now(int? postmaster)
    {
        var node = Process.GetCurrentProcess().TotalProcessorTime;
        var postgres = TimeSpan.Zero;
        if (postmaster is { } root)
        {
            foreach (var folder in Directory.EnumerateDirectories("/proc"))
            {
                if (int.TryParse(Path.GetFileName(folder), out var pid) && Stat(pid) is { } stat && (pid == root || stat.Parent == root))
                {
                    postgres += stat.Cpu;
                }
            }
        }

        // First line of /proc/stat: user nice system idle iowait irq softirq steal ...; busy is all but idle and iowait.
        var fields = File.ReadLines("/proc/stat").First().Split(' ', StringSplitOptions.RemoveEmptyEntries).Skip(1).Select(long.Parse).ToArray();
        var busy = fields.Sum() - fields[3] - fields[4];
        return new ProcessCpu(node, postgres, TimeSpan.FromSeconds(busy / TicksPerSecond), Stopwatch.GetTimestamp());
    }

    /// <summary>Cores busy on average from <paramref name="start"/> to this snapshot: node, PostgreSQL, the rest.</summary>
    public string Since(ProcessCpu start)
    {
        var seconds = Stopwatch.GetElapsedTime(start.Timestamp, Timestamp).TotalSeconds;
        var node = (Node - start.Node).TotalSeconds / seconds;
        var postgres = (Postgres - start.Postgres).TotalSeconds / seconds;
        var rest = Math.Max(0, ((Machine - start.Machine).TotalSeconds / seconds) - node - postgres);
        return string.Create(CultureInfo.InvariantCulture, $"CPU (cores busy): node {node:F2}, PostgreSQL {postgres:F2}, rest of machine {rest:F2}");
    }

    private static (int Parent, TimeSpan Cpu)? Stat(int pid)
    {
        try
        {
            // The command name (field 2) may hold spaces; the fields after its closing parenthesis are fixed.
            var text = File.ReadAllText($"/proc/{pid}/stat");
            var fields = text[(text.LastIndexOf(')') + 2)..].Split(' ');
            var ticks = long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
            return (int.Parse(fields[1], CultureInfo.InvariantCulture), TimeSpan.FromSeconds(ticks / TicksPerSecond));
        }
        catch (IOException)
        {
            return null; // the process ended meanwhile
        }
    }
}
