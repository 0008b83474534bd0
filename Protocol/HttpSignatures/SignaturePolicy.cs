namespace Ainur.Protocol.HttpSignatures;

/// <summary>How far a signature's <c>created</c> time may lie from the verifier's clock.</summary>
/// <param name="MaxAge">Oldest accepted signature; older gives <see cref="SignatureFailure.Expired"/>. Replays within
/// this window are the caller's to detect.</param>
/// <param name="MaxFutureSkew">Largest tolerated clock skew ahead of the verifier; more gives
/// <see cref="SignatureFailure.FromFuture"/>.</param>
public sealed record SignaturePolicy(TimeSpan MaxAge, TimeSpan MaxFutureSkew)
{
    /// <summary>The defaults: 300 s old at most, 30 s in the future at most.</summary>
    public SignaturePolicy()
        : this(TimeSpan.FromSeconds(300), TimeSpan.FromSeconds(30))
    {
    }

    /// <summary>The default policy (300 s, 30 s).</summary>
    public static SignaturePolicy Default { get; } = new();
}
