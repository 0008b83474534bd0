using System.Text;
using System.Threading.Channels;

namespace Ainur.Grains.Runtime;

/// <summary>
/// One execution's data, held by its store and reached from the host functions: the output the module set, its log
/// lines, and the first failure a host function saw (which then traps the module).
/// </summary>
internal sealed class ExecutionState(WasmSettings settings, ChannelWriter<string>? liveLog)
{
    private int _logBytes;

    public byte[]? Output { get; private set; }

    public List<string> Log { get; } = [];

    public (string Code, string Detail)? Failure { get; private set; }

    /// <summary>Takes the output; false (with the failure recorded) when it is a second one or too large.</summary>
    public bool SetOutput(ReadOnlySpan<byte> output)
    {
        if (Output is not null)
        {
            return Fail(Protocol.Modules.ExecutionFailure.AbiViolation, "ari.output was called twice");
        }

        if (output.Length > settings.OutputBytes)
        {
            return Fail(Protocol.Modules.ExecutionFailure.OutputTooLarge, $"the output is {output.Length} bytes; the limit is {settings.OutputBytes}");
        }

        Output = output.ToArray();
        return true;
    }

    /// <summary>Takes a log line; false (with the failure recorded) past the limits on lines or bytes.</summary>
    public bool AddLog(ReadOnlySpan<byte> line)
    {
        _logBytes += line.Length;
        if (Log.Count >= settings.LogLines || _logBytes > settings.LogBytes)
        {
            return Fail(Protocol.Modules.ExecutionFailure.LogLimit, $"more than {settings.LogLines} log lines or {settings.LogBytes} log bytes");
        }

        var text = Encoding.UTF8.GetString(line);
        Log.Add(text);
        liveLog?.TryWrite(text);
        return true;
    }

    /// <summary>Records the first failure; always false, so callers can return it.</summary>
    public bool Fail(string code, string detail)
    {
        Failure ??= (code, detail);
        return false;
    }
}
