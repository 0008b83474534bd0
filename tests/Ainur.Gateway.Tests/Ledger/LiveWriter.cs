using System.Text;

namespace Ainur.Gateway.Tests.Ledger;

/// <summary>A text writer a test can read while a command still writes to it (from other threads).</summary>
internal sealed class LiveWriter : TextWriter
{
    private readonly StringBuilder _text = new();
    private readonly Lock _gate = new();

    public override Encoding Encoding => Encoding.UTF8;

    public override void Write(char value)
    {
        lock (_gate)
        {
            _text.Append(value);
        }
    }

    public override void Write(string? value)
    {
        lock (_gate)
        {
            _text.Append(value);
        }
    }

    public override string ToString()
    {
        lock (_gate)
        {
            return _text.ToString();
        }
    }

    /// <summary>Waits until the text written so far contains <paramref name="expected"/>; fails with what was written after <paramref name="timeout"/>.</summary>
    public async Task WaitForAsync(string expected, TimeSpan timeout)
    {
        var until = DateTime.UtcNow + timeout;
        while (!ToString().Contains(expected, StringComparison.Ordinal))
        {
            Assert.True(DateTime.UtcNow < until, $"'{expected}' was not written within {timeout.TotalSeconds:F0} s; written: {ToString()}");
            await Task.Delay(50, TestContext.Current.CancellationToken);
        }
    }
}
