using System.Diagnostics;
using System.Text;
using Xunit;

namespace Ainur.Testing.Processes;

/// <summary>
/// One Ainur process (gateway or silo) run as a separate OS process, as in production: <c>dotnet &lt;dll&gt;</c> with the
/// given environment. Its stdout and stderr go to a log file (path in <see cref="LogPath"/>) and a tail kept in memory,
/// which failures and disposal print. Disposal always kills it.
/// </summary>
public sealed class NodeProcess : IAsyncDisposable
{
    private const int TailLines = 400;
    private const int MaxTailLineLength = 600;
    private static int s_counter;

    private readonly Process _process;
    private readonly Queue<string> _tail = new();
    private readonly Lock _gate = new();
    private readonly StreamWriter _log;
    private bool _disposed;

    private NodeProcess(string name, string dll, IReadOnlyDictionary<string, string?> environment, IReadOnlyList<string> arguments)
    {
        Name = name;
        var folder = Path.Combine(Path.GetTempPath(), "ainur-node-logs");
        Directory.CreateDirectory(folder);
        LogPath = Path.Combine(folder, $"{DateTime.UtcNow:yyyyMMdd-HHmmss}-{name}-{Guid.NewGuid():N}.log");
        _log = new StreamWriter(LogPath, append: false, Encoding.UTF8) { AutoFlush = true };

        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = Path.GetDirectoryName(dll)!, // content root: the process finds its appsettings.json
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(dll);
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        // One line per log entry, no colours: readable tails. Callers may override.
        start.Environment["Logging__Console__FormatterName"] = "simple";
        start.Environment["Logging__Console__FormatterOptions__SingleLine"] = "true";
        start.Environment["Logging__Console__FormatterOptions__TimestampFormat"] = "HH:mm:ss.fff ";
        start.Environment["Logging__Console__ColorBehavior"] = "Disabled";
        start.Environment["DOTNET_NOLOGO"] = "1";
        foreach (var (key, value) in environment)
        {
            start.Environment[key] = value;
        }

        _process = new Process { StartInfo = start, EnableRaisingEvents = true };
        _process.OutputDataReceived += (_, e) => Append("out", e.Data);
        _process.ErrorDataReceived += (_, e) => Append("err", e.Data);
        Append("test", $"starting {name}: dotnet {string.Join(' ', start.ArgumentList)}");
        if (!_process.Start())
        {
            throw new InvalidOperationException($"Could not start {name}.");
        }

        Pid = _process.Id;
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    /// <summary>Name given at start, numbered (e.g. <c>gateway-3</c>).</summary>
    public string Name { get; }

    /// <summary>The OS process id.</summary>
    public int Pid { get; }

    /// <summary>Where stdout and stderr are written.</summary>
    public string LogPath { get; }

    /// <summary>Whether the process has exited (or was killed).</summary>
    public bool HasExited => _process.HasExited;

    /// <summary>Starts the built gateway (<see cref="BuiltNode.Gateway"/>) listening on <paramref name="httpPort"/>.</summary>
    public static NodeProcess StartGateway(int httpPort, IReadOnlyDictionary<string, string?> environment) =>
        Start("gateway", BuiltNode.Gateway, environment, ["--urls", $"http://127.0.0.1:{httpPort}"]);

    /// <summary>Starts a built silo (<see cref="BuiltNode.Silo"/>).</summary>
    public static NodeProcess StartSilo(IReadOnlyDictionary<string, string?> environment) =>
        Start("silo", BuiltNode.Silo, environment, []);

    /// <summary>Starts <c>dotnet <paramref name="dll"/> <paramref name="arguments"/></c> with <paramref name="environment"/> added to this process's.</summary>
    public static NodeProcess Start(string name, string dll, IReadOnlyDictionary<string, string?> environment, IReadOnlyList<string> arguments) =>
        new($"{name}-{Interlocked.Increment(ref s_counter)}", dll, environment, arguments);

    /// <summary>Polls <c>GET {baseAddress}{path}</c> until it answers 200; fails with the log tail on timeout or exit.</summary>
    public async Task WaitForHttpReadyAsync(Uri baseAddress, string path = "/readyz", TimeSpan? timeout = null, CancellationToken cancellationToken = default)
    {
        var limit = timeout ?? TimeSpan.FromSeconds(60);
        using var http = new HttpClient { BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(5) };
        var started = Stopwatch.StartNew();
        string last = "no answer yet";
        while (started.Elapsed < limit)
        {
            ThrowIfExited("while waiting for " + path);
            try
            {
                using var response = await http.GetAsync(new Uri(path, UriKind.Relative), cancellationToken);
                if (response.IsSuccessStatusCode)
                {
                    Append("test", $"{path} answered {(int)response.StatusCode} after {started.Elapsed.TotalSeconds:F1} s");
                    return;
                }

                last = $"{(int)response.StatusCode}: {await response.Content.ReadAsStringAsync(cancellationToken)}";
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
            {
                last = e.GetType().Name + ": " + e.Message;
            }

            await Task.Delay(200, cancellationToken);
        }

        throw Failure($"{path} was not ready within {limit.TotalSeconds:F0} s (last: {last})");
    }

    /// <summary>Polls <paramref name="condition"/> until true; fails with the log tail on timeout or exit.</summary>
    public Task WaitUntilAsync(Func<Task<bool>> condition, string what, TimeSpan? timeout = null, CancellationToken cancellationToken = default) =>
        WaitUntilAsync([this], condition, what, timeout, cancellationToken);

    /// <summary>
    /// Polls <paramref name="condition"/> until true while all of <paramref name="nodes"/> run; fails with the tail of
    /// the one that exited, or of all of them on timeout.
    /// </summary>
    public static async Task WaitUntilAsync(
        IReadOnlyList<NodeProcess> nodes, Func<Task<bool>> condition, string what, TimeSpan? timeout = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(nodes);
        ArgumentNullException.ThrowIfNull(condition);
        var limit = timeout ?? TimeSpan.FromSeconds(60);
        var started = Stopwatch.StartNew();
        while (started.Elapsed < limit)
        {
            foreach (var node in nodes)
            {
                node.ThrowIfExited("while waiting until " + what);
            }

            if (await condition())
            {
                foreach (var node in nodes)
                {
                    node.Append("test", $"{what} after {started.Elapsed.TotalSeconds:F1} s");
                }

                return;
            }

            await Task.Delay(200, cancellationToken);
        }

        throw new InvalidOperationException(
            $"Not {what} within {limit.TotalSeconds:F0} s. " + string.Join(" ", nodes.Select(n => n.Failure("still running").Message)));
    }

    /// <summary>SIGKILL of the process and its children (<c>kill -9</c>): no shutdown code runs. Waits until it is gone.</summary>
    public void KillHard()
    {
        if (_process.HasExited)
        {
            return;
        }

        Append("test", "kill -9");
        try
        {
            _process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
            // Exited between the check and the kill.
        }

        if (!_process.WaitForExit(TimeSpan.FromSeconds(15)))
        {
            throw Failure("still running 15 s after SIGKILL");
        }
    }

    /// <summary>Waits up to <paramref name="timeout"/> for the process to exit on its own: its exit code, or null while it runs.</summary>
    public async Task<int?> WaitForExitAsync(TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        try
        {
            await _process.WaitForExitAsync(cancellationToken).WaitAsync(timeout, cancellationToken);
        }
        catch (TimeoutException)
        {
            return null;
        }

        _process.WaitForExit(); // flush the output readers
        Append("test", $"exited with code {_process.ExitCode}");
        return _process.ExitCode;
    }

    /// <summary>SIGTERM (what an orchestrator sends to stop a process): the host shuts down gracefully. Waits until it is gone.</summary>
    public void Stop(TimeSpan? timeout = null)
    {
        if (_process.HasExited)
        {
            return;
        }

        Signal("TERM");
        var limit = timeout ?? TimeSpan.FromSeconds(30);
        if (!_process.WaitForExit(limit))
        {
            throw Failure($"still running {limit.TotalSeconds:F0} s after SIGTERM");
        }
    }

    /// <summary>SIGSTOP: the process is frozen (no thread runs, its sockets stay open) until <see cref="Resume"/>.</summary>
    public void Pause() => Signal("STOP");

    /// <summary>SIGCONT: a paused process runs again.</summary>
    public void Resume() => Signal("CONT");

    /// <summary>Sends SIG<paramref name="name"/> with kill(1): .NET's Process can only send SIGKILL.</summary>
    private void Signal(string name)
    {
        Append("test", "kill -" + name);
        using var kill = Process.Start(new ProcessStartInfo("kill", ["-" + name, Pid.ToString(System.Globalization.CultureInfo.InvariantCulture)]) { UseShellExecute = false })
            ?? throw Failure("could not run kill(1)");
        kill.WaitForExit();
        if (kill.ExitCode != 0)
        {
            throw Failure($"kill -{name} exited with {kill.ExitCode}");
        }
    }

    /// <summary>The last <paramref name="lines"/> lines of output.</summary>
    public string Tail(int lines = 80)
    {
        lock (_gate)
        {
            return string.Join(Environment.NewLine, _tail.Skip(Math.Max(0, _tail.Count - lines)));
        }
    }

    /// <summary>Kills the process if it still runs and writes where its log is, plus its tail, to the test output.</summary>
    public async ValueTask DisposeAsync()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        try
        {
            KillHard();
        }
        catch (InvalidOperationException)
        {
            // Reported below with the tail.
        }

        // Let the output readers drain what the process wrote before it died.
        await _process.WaitForExitAsync(CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(5)).ConfigureAwait(false);
        TestContext.Current.TestOutputHelper?.WriteLine($"--- {Name} (pid {Pid}, exit {SafeExitCode()}), log {LogPath}; last lines:{Environment.NewLine}{Tail(40)}");
        _process.Dispose();
        lock (_gate)
        {
            _log.Dispose();
        }
    }

    /// <summary>An exception naming this process, carrying the tail of its output.</summary>
    public InvalidOperationException Failure(string message) =>
        new($"{Name} (pid {Pid}): {message}. Log: {LogPath}. Last lines:{Environment.NewLine}{Tail()}");

    private void ThrowIfExited(string doing)
    {
        if (_process.HasExited)
        {
            _process.WaitForExit(); // flush the output readers
            throw Failure($"exited with code {_process.ExitCode} {doing}");
        }
    }

    private string SafeExitCode() => _process.HasExited ? _process.ExitCode.ToString(System.Globalization.CultureInfo.InvariantCulture) : "running";

    private void Append(string stream, string? line)
    {
        if (line is null)
        {
            return;
        }

        // Orleans logs whole stack traces on one line; the tail keeps their start, the log file all of it.
        var entry = $"[{stream}] {line}";
        var shortEntry = entry.Length > MaxTailLineLength ? entry[..MaxTailLineLength] + " …" : entry;
        lock (_gate)
        {
            _tail.Enqueue(shortEntry);
            while (_tail.Count > TailLines)
            {
                _tail.Dequeue();
            }

            try
            {
                _log.WriteLine(entry);
            }
            catch (ObjectDisposedException)
            {
                // Late output after disposal: kept in the tail only.
            }
        }
    }
}
